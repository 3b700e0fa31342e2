import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  deriveHealthStatus,
  type HealthLogEventType,
  type McpServerView,
  type NewEvent,
} from '@omni2/contracts';
import type { Repository } from 'typeorm';
import { initialBreakerState, resetCircuit } from '../breaker/breaker';
import { ConnectionManager } from '../connections/connection-manager';
import { EventStream } from '../events/event-stream';
import { HealthLogEntity } from '../health-log/health-log.entity';
import { McpServerEntity } from '../registry/mcp-server.entity';
import { RegistryService } from '../registry/registry.service';
import { breakerStateOf, withBreakerState } from '../breaker/breaker-row';

type Action = 'enable' | 'disable' | 'reset';

/** Operator actions on a server's live state, each logged and published. */
@Injectable()
export class OperatorActionsService {
  constructor(
    @InjectRepository(McpServerEntity) private readonly repo: Repository<McpServerEntity>,
    private readonly registry: RegistryService,
    private readonly connections: ConnectionManager,
    private readonly events: EventStream,
  ) {}

  /** `actor` names who acted (user or API key), for the health log and events. */
  enable(ref: string, actor: string): Promise<McpServerView> {
    return this.apply(ref, 'enable', actor);
  }

  disable(ref: string, actor: string): Promise<McpServerView> {
    return this.apply(ref, 'disable', actor);
  }

  resetCircuit(ref: string, actor: string): Promise<McpServerView> {
    return this.apply(ref, 'reset', actor);
  }

  /**
   * PATCH of a server: the configuration through the registry, then a status change in the
   * patch as the enable or disable it is, so it is logged and published like the buttons.
   */
  async edit(ref: string, body: unknown, actor: string): Promise<McpServerView> {
    const { view, statusChange } = await this.registry.update(ref, body);
    if (statusChange === null) return view;
    return this.apply(view.id, statusChange === 'active' ? 'enable' : 'disable', actor);
  }

  private async apply(ref: string, action: Action, actor: string): Promise<McpServerView> {
    const found = await this.registry.find(ref);
    const result = await this.repo.manager.transaction(async (tx) => {
      const row = await tx.findOneOrFail(McpServerEntity, {
        where: { id: found.id },
        lock: { mode: 'pessimistic_write' },
      });
      const previousStatus = row.health_status;
      const previousCircuit = row.circuit_state;
      const now = Date.now();
      let logType: HealthLogEventType | null = null;
      if (action === 'reset') {
        const decision = resetCircuit(breakerStateOf(row), now);
        withBreakerState(row, decision.state);
        row.total_downtime_seconds += decision.downtimeEndedSeconds;
        if (decision.events.length > 0) logType = 'circuit_closed';
        if (row.status === 'active') row.next_check_at = new Date(now);
      } else if (action === 'enable') {
        // Enabling an enabled server changes nothing (it would silently close an open circuit).
        if (row.status === 'active') return { row, events: [] };
        // Enabling starts over: counters cleared, circuit closed, checked at once, and shown
        // `unknown` until it answers rather than as healthy as it was before it was disabled.
        withBreakerState(row, initialBreakerState('active', row.circuit_generation + 1));
        row.next_check_at = new Date(now);
        row.last_success_at = null;
        logType = 'manually_enabled';
      } else {
        if (row.status === 'inactive') return { row, events: [] };
        logType = 'manually_disabled';
        row.status = 'inactive';
        row.circuit_generation += 1;
        row.disabled_reason = 'manual';
        row.next_check_at = null;
        if (row.down_since) {
          row.total_downtime_seconds += Math.floor((now - row.down_since.getTime()) / 1_000);
          row.down_since = null;
        }
      }
      row.health_status = deriveHealthStatus(row);
      await tx.save(row);
      if (logType) {
        await tx.insert(HealthLogEntity, {
          server_id: row.id,
          event_type: logType,
          status: row.health_status,
          error_message: `${action} by ${actor}`,
          created_at: new Date(now),
        });
      }
      return {
        row,
        events: this.eventsFor(row, previousStatus, previousCircuit, `${action} by ${actor}`),
      };
    });
    if (action === 'disable') await this.connections.drop(result.row.id);
    this.registry.noteLiveChange(result.row);
    await this.events.publish(result.events);
    return this.registry.view(result.row);
  }

  private eventsFor(
    row: McpServerEntity,
    previousStatus: McpServerEntity['health_status'],
    previousCircuit: McpServerEntity['circuit_state'],
    reason: string,
  ): NewEvent[] {
    const base = { server_id: row.id, mcp_name: row.name };
    const events: NewEvent[] = [];
    if (row.circuit_state !== previousCircuit) {
      events.push({
        ...base,
        type: 'circuit_breaker_state',
        severity: 'info',
        data: {
          old_state: previousCircuit,
          new_state: row.circuit_state,
          consecutive_failures: row.consecutive_failures,
          failure_cycles: row.failure_cycles,
          next_attempt_at: null,
        },
      });
    }
    if (row.health_status !== previousStatus) {
      events.push({
        ...base,
        type: 'mcp_status_change',
        severity: row.health_status === 'disabled' ? 'warning' : 'info',
        data: {
          old_status: previousStatus,
          new_status: row.health_status,
          reason,
          recovery_eta: null,
        },
      });
    }
    return events;
  }
}
