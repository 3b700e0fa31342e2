import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AUDIT_ACTIONS, AUDIT_ACTOR_KINDS, type AuditPage } from '@omni2/contracts';
import { RequireRole } from '../common/access.decorator';
import { AuditService } from './audit.service';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Audit log, newest first; filters combine with AND, an empty value is no filter',
  })
  @ApiQuery({ name: 'actor', required: false, description: 'user or API key name, or its id' })
  @ApiQuery({ name: 'actor_kind', required: false, enum: AUDIT_ACTOR_KINDS })
  @ApiQuery({
    name: 'action',
    required: false,
    description: `comma-separated, each one of: ${AUDIT_ACTIONS.join(', ')}`,
  })
  @ApiQuery({ name: 'server', required: false, description: 'server id or name' })
  @ApiQuery({ name: 'target_id', required: false, description: 'exact target id, any type' })
  @ApiQuery({ name: 'from', required: false, description: 'ISO 8601 date-time, inclusive' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO 8601 date-time, exclusive' })
  @ApiQuery({ name: 'before', required: false, description: 'next_cursor of the previous page' })
  @ApiQuery({ name: 'limit', required: false, description: '1..500, default 100' })
  page(@Query() query: Record<string, unknown>): Promise<AuditPage> {
    return this.audit.page(query);
  }
}
