import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  type CircuitState,
  deriveHealthStatus,
  type HealthLogEventType,
  type HealthStatus,
  type McpServerView,
  type NewEvent,
} from '@omni2/contracts';
import type { EntityManager, Repository } from 'typeorm';
import { initialBreakerState, resetCircuit } from '../breaker/breaker';
import { ConnectionManager } from '../connections/connection-manager';
import { EventStream } from '../events/event-stream';
import { HealthLogEntity } from '../health-log/health-log.entity';
import { McpServerEntity } from '../registry/mcp-server.entity';
import {
  RegistryService,
  serverConfigChanged,
  writeUniqueName,
} from '../registry/registry.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { breakerStateOf, withBreakerState } from '../breaker/breaker-row';
import { circuitEvents, statusChangeEvents } from './server-events';

type Action = 'enable' | 'disable' | 'reset';

/** Operator actions on a server's live state, each logged and published. */
@Injectable()
export class OperatorActionsService {
  constructor(
    @InjectRepository(McpServerEntity) private readonly repo: Repository<McpServerEntity>,
    private readonly registry: RegistryService,
    private readonly connections: ConnectionManager,
    private readonly events: EventStream,
    private readonly clock: Clock,
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
   * PATCH of a server: the configuration and any status change in it (applied as the enable or
   * disable it is, logged like the buttons) in one transaction, published as one batch.
   */
  async edit(ref: string, body: unknown, actor: string): Promise<McpServerView> {
    const edit = await this.registry.prepareEdit(ref, body);
    const action: Action | null =
      edit.status === null ? null : edit.status === 'active' ? 'enable' : 'disable';
    const reason = `${action ?? 'edit'} by ${actor}`;
    const result = await writeUniqueName(edit.name, () =>
      this.repo.manager.transaction(async (tx) => {
        const row = await lockedRow(tx, edit.id, ref);
        const before = { status: row.health_status, circuit: row.circuit_state };
        Object.assign(row, edit.columns);
        // The era was negotiated with the old connection settings (a trigger clears it too, but
        // not on an UPDATE that also disables the server).
        if (edit.connectionChanged) {
          row.protocol_era = null;
          row.protocol_version = null;
        }
        const now = this.clock.now();
        const logType = action ? changeStatus(row, action, now) : null;
        // An edited server is checked at once (SPEC §1), on a fresh session.
        if (!action && row.status === 'active') row.next_check_at = new Date(now);
        row.health_status = deriveHealthStatus(row);
        await tx.save(row);
        if (logType) await tx.insert(HealthLogEntity, logEntry(row, logType, reason, now));
        // As stored: the table's triggers clear what a connection change makes stale (the era).
        const saved = await tx.findOneByOrFail(McpServerEntity, { id: edit.id });
        return { row: saved, events: operatorEvents(saved, before, reason) };
      }),
    );
    await this.registry.finishEdit(edit);
    this.registry.noteLiveChange(result.row);
    const view = this.registry.view(result.row);
    await this.events.publish([serverConfigChanged('updated', view), ...result.events]);
    return view;
  }

  private async apply(ref: string, action: Action, actor: string): Promise<McpServerView> {
    const found = await this.registry.find(ref);
    const reason = `${action} by ${actor}`;
    const result = await this.repo.manager.transaction(async (tx) => {
      const row = await lockedRow(tx, found.id, ref);
      const before = { status: row.health_status, circuit: row.circuit_state };
      const now = this.clock.now();
      const logType = changeStatus(row, action, now);
      if (logType === null && action !== 'reset') return { row, events: [] };
      row.health_status = deriveHealthStatus(row);
      await tx.save(row);
      if (logType) await tx.insert(HealthLogEntity, logEntry(row, logType, reason, now));
      return { row, events: operatorEvents(row, before, reason) };
    });
    if (action === 'disable') await this.connections.drop(result.row.id);
    this.registry.noteLiveChange(result.row);
    await this.events.publish(result.events);
    return this.registry.view(result.row);
  }
}

/** The server's row, locked for this transaction; deleted meanwhile is a 404, as before it. */
async function lockedRow(tx: EntityManager, id: string, ref: string): Promise<McpServerEntity> {
  const row = await tx.findOne(McpServerEntity, {
    where: { id },
    lock: { mode: 'pessimistic_write' },
  });
  if (!row) throw new DomainError('SERVER_NOT_FOUND', `id: no MCP server "${ref}"`);
  return row;
}

/**
 * An operator action onto the locked row (in place). Returns the health-log type it writes, or
 * null when it changes nothing (enabling an enabled server would silently close an open circuit).
 */
function changeStatus(
  row: McpServerEntity,
  action: Action,
  now: number,
): HealthLogEventType | null {
  switch (action) {
    case 'reset': {
      const decision = resetCircuit(breakerStateOf(row), now);
      withBreakerState(row, decision.state);
      row.total_downtime_seconds += decision.downtimeEndedSeconds;
      if (row.status === 'active') row.next_check_at = new Date(now);
      return decision.events.length > 0 ? 'circuit_closed' : null;
    }
    case 'enable':
      if (row.status === 'active') return null;
      // Enabling starts over: counters cleared, circuit closed, checked at once, and shown
      // `unknown` until it answers rather than as healthy as it was before it was disabled.
      withBreakerState(row, initialBreakerState('active', row.circuit_generation + 1));
      row.next_check_at = new Date(now);
      row.last_success_at = null;
      return 'manually_enabled';
    case 'disable':
      if (row.status === 'inactive') return null;
      row.status = 'inactive';
      row.circuit_generation += 1;
      row.disabled_reason = 'manual';
      row.next_check_at = null;
      if (row.down_since) {
        row.total_downtime_seconds += Math.floor((now - row.down_since.getTime()) / 1_000);
        row.down_since = null;
      }
      return 'manually_disabled';
  }
}

function logEntry(
  row: McpServerEntity,
  type: HealthLogEventType,
  reason: string,
  now: number,
): Partial<HealthLogEntity> {
  return {
    server_id: row.id,
    event_type: type,
    status: row.health_status,
    error_message: reason,
    created_at: new Date(now),
  };
}

function operatorEvents(
  row: McpServerEntity,
  before: { status: HealthStatus; circuit: CircuitState },
  reason: string,
): NewEvent[] {
  return [
    ...circuitEvents(row, before.circuit, [row.circuit_state]),
    ...statusChangeEvents(row, before.status, reason),
  ];
}
