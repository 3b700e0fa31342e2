import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { deriveHealthStatus } from '@omni2/contracts';
import type { Repository } from 'typeorm';
import { McpServerEntity } from '../registry/mcp-server.entity';
import type { ProbeOutcome } from './health-probe';

/**
 * Persists the outcome of a check on the server row: the one writer of the live check fields.
 * Failures only count here; whether they change the shown status is the breaker's decision.
 */
@Injectable()
export class CheckRecorder {
  constructor(
    @InjectRepository(McpServerEntity) private readonly repo: Repository<McpServerEntity>,
  ) {}

  async record(serverId: string, outcome: ProbeOutcome, at: Date): Promise<McpServerEntity | null> {
    return this.repo.manager.transaction(async (tx) => {
      const row = await tx.findOne(McpServerEntity, {
        where: { id: serverId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!row) return null; // deleted while being checked
      row.last_health_check = at;
      if (outcome.ok) {
        row.last_success_at = at;
        row.last_response_time_ms = outcome.responseTimeMs;
        row.last_error = null;
        row.last_error_kind = null;
        row.consecutive_failures = 0;
      } else {
        row.last_error = outcome.error.slice(0, 2_000);
        row.last_error_kind = outcome.errorKind;
        row.consecutive_failures += 1;
        row.error_count += 1;
      }
      row.health_status = deriveHealthStatus(row);
      await tx.save(row);
      return row;
    });
  }
}
