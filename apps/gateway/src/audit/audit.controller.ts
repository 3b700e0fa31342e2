import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuditPage } from '@omni2/contracts';
import { RequireRole } from '../common/access.decorator';
import { AuditService } from './audit.service';
import { auditQuerySchema } from './audit-query';
import { ApiRoute } from '../openapi/api-route';
import { auditPageSchema } from '../openapi/view-schemas';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequireRole('admin')
  @ApiRoute({
    operationId: 'listAuditEntries',
    summary: 'Audit log, newest first; filters combine with AND, an empty value is no filter',
    ok: { schema: auditPageSchema, description: 'One page; pass next_cursor as before' },
  })
  page(@Query({ schema: auditQuerySchema }) query: Record<string, unknown>): Promise<AuditPage> {
    return this.audit.page(query);
  }
}
