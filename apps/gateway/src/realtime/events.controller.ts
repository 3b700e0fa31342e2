import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { EventPage } from '@omni2/contracts';
import type { Request } from 'express';
import { z } from 'zod';
import { RequireRole } from '../common/access.decorator';
import { callerOf } from '../auth/caller';
import { parseOrThrow } from '../common/zod-body';
import { EventStream } from '../events/event-stream';
import { STREAM_ID } from '../events/stream-id';
import { eventFor } from './event-audience';
import { ApiRoute } from '../openapi/api-route';
import { eventPageSchema } from '../openapi/view-schemas';

const pageQuery = z
  .object({
    after: z
      .string()
      .regex(STREAM_ID, 'must be an event id like 1700000000000-0')
      .optional()
      .meta({ description: 'The last event id seen; absent: the newest events' }),
    limit: z.coerce.number().int().min(1).max(1_000).default(100),
  })
  .strict();

@ApiTags('events')
@Controller('events')
export class EventsController {
  constructor(private readonly stream: EventStream) {}

  @Get()
  @RequireRole('viewer')
  @ApiRoute({
    operationId: 'listEvents',
    summary: 'Polling fallback of the live feed: events after an id, oldest first',
    ok: { schema: eventPageSchema, description: 'The events, and the id to pass as after next' },
  })
  async page(
    @Query({ schema: pageQuery }) query: Record<string, unknown>,
    @Req() req: Request,
  ): Promise<EventPage> {
    const { after, limit } = parseOrThrow(pageQuery, query);
    const role = callerOf(req).role;
    const read = await this.stream.read(after ?? null, limit);
    const items = read.items.map((e) => eventFor(role, e));
    return { items, last_id: items.at(-1)?.id ?? after ?? null, gap: read.gap };
  }
}
