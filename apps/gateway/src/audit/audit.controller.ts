import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditPage } from '@omni2/contracts';
import { RequireRole } from '../auth/access.decorator';
import { AuditService } from './audit.service';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequireRole('admin')
  @ApiOperation({ summary: 'Audit log, newest first (before, limit, action, actor, target_id)' })
  page(@Query() query: Record<string, unknown>): Promise<AuditPage> {
    return this.audit.page(query);
  }
}
