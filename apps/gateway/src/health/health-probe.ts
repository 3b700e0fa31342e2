import { Injectable, Logger } from '@nestjs/common';
import type { ErrorKind, ProbeMethod, ProtocolEra } from '@omni2/contracts';
import { CapabilitiesService } from '../capabilities/capabilities.service';
import { ConnectionManager } from '../connections/connection-manager';
import { classifyError } from '../connections/error-classifier';
import type { McpServerEntity } from '../registry/mcp-server.entity';
import { RegistryService } from '../registry/registry.service';

export type ProbeOutcome =
  | {
      ok: true;
      responseTimeMs: number;
      probe: ProbeMethod;
      sessionOpened: boolean;
      /** What the session negotiated (checks only; calls leave the recorded era alone). */
      protocol?: { era: ProtocolEra; version: string | null };
    }
  | {
      ok: false;
      errorKind: ErrorKind;
      error: string;
      probe: ProbeMethod;
      sessionOpened: false;
      /** Waiting for an operator's OAuth authorization: the breaker does not count it. */
      needsAuthorization?: boolean;
    };

/**
 * The MCP side of a health check (SPEC §2): reuse the live session (connecting only when there
 * is none), ping with the method-not-found fallback, and refresh capabilities when they changed
 * or expired. Never throws: every failure becomes an outcome with its kind.
 */
@Injectable()
export class HealthProbe {
  private readonly log = new Logger('health');

  constructor(
    private readonly connections: ConnectionManager,
    private readonly registry: RegistryService,
    private readonly capabilities: CapabilitiesService,
  ) {}

  private operatorAuthorized(row: McpServerEntity): boolean {
    try {
      return this.registry.oauthTarget(row)?.settings.grant === 'authorization_code';
    } catch {
      return false;
    }
  }

  async probe(row: McpServerEntity, timeoutMs: number, fresh = false): Promise<ProbeOutcome> {
    if (fresh) await this.connections.drop(row.id);
    try {
      const known = this.registry.target(row);
      // A reload negotiates the era again; otherwise a server known to be legacy is not probed.
      const target = fresh ? { ...known, eraHint: null } : known;
      // Opening a session (a stdio command starting, MCP initialize) may take as long as the
      // server's own timeout; the ping itself is held to the check timeout.
      const { value, session, opened } = await this.connections.run(
        target,
        row.timeout_seconds * 1_000,
        async (s) => {
          const started = performance.now();
          const probe = await s.ping(timeoutMs);
          return { probe, responseTimeMs: round(performance.now() - started) };
        },
      );
      if (fresh || (await this.capabilities.needsRefresh(row, session))) {
        // A failed refresh does not make a server that answered ping unhealthy.
        await this.capabilities.refresh(row, session, timeoutMs).catch((error: unknown) => {
          const { message } = classifyError(error, row.protocol, this.registry.secrets(row));
          this.log.warn(`capability refresh failed for ${row.name}: ${message}`);
        });
      }
      return {
        ok: true,
        ...value,
        sessionOpened: opened,
        protocol: { era: session.era, version: session.protocolVersion },
      };
    } catch (error) {
      const { kind, message, needsAuthorization, scopeRefusal } = classifyError(
        error,
        row.protocol,
        this.registry.secrets(row),
      );
      // The server is gone: its next answer comes from a fresh session (a restarted server
      // does not know the old one), which the log then records as `connected` again.
      if (connectionLost(kind)) await this.connections.drop(row.id);
      return {
        ok: false,
        errorKind: kind,
        error: message,
        probe: 'none',
        sessionOpened: false,
        // A check the server refuses for want of scope needs the operator too, when only an
        // operator's authorization can widen it.
        needsAuthorization:
          needsAuthorization === true || (scopeRefusal === true && this.operatorAuthorized(row)),
      };
    }
  }
}

/** Failures that mean the connection itself is gone, not just that a request failed. */
export function connectionLost(kind: ErrorKind): boolean {
  return kind === 'unreachable' || kind === 'process_exit';
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
