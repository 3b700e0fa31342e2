import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../common/access.decorator';
import { DomainError } from '../common/domain-error';
import { AppEnv } from '../config/env.schema';
import { MetricsAccess } from './metrics-access';
import { MetricsScrape } from './metrics-scrape';
import { ApiRoute } from '../openapi/api-route';

/**
 * Prometheus exposition, outside `/api/v1`. Public for a scraper on the cluster network unless
 * `OMNI2_METRICS_TOKEN` is set, in which case the guard's user credentials are not what counts:
 * the token is checked here.
 */
@ApiTags('probes')
@Public()
@Controller('metrics')
export class MetricsController {
  private readonly access: MetricsAccess;

  constructor(
    private readonly scrape: MetricsScrape,
    env: AppEnv,
  ) {
    this.access = new MetricsAccess(env.values.OMNI2_METRICS_TOKEN);
  }

  @Get()
  @ApiRoute({
    operationId: 'metrics',
    summary: 'Prometheus metrics (Bearer OMNI2_METRICS_TOKEN when it is set)',
    ok: {
      description: 'Prometheus text exposition',
      text: {
        mediaType: 'text/plain; version=0.0.4',
        example: 'omni2_servers{status="healthy"} 3',
      },
    },
  })
  async metrics(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    if (!this.access.allows(authorization)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="omni2 metrics"');
      throw new DomainError(
        'UNAUTHENTICATED',
        'authorization: /metrics needs Authorization: Bearer <OMNI2_METRICS_TOKEN>',
      );
    }
    const text = await this.scrape.render();
    res.setHeader('Content-Type', this.scrape.contentType);
    res.setHeader('Cache-Control', 'no-store');
    return text;
  }
}
