import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ConnectionTarget } from './connection-target';
import { fingerprint } from './connection-target';
import { withDeadline } from './deadline';
import { isSessionExpired } from './error-classifier';
import type { McpSession } from './mcp-session';
import { sessionEndsSettled } from './session-ends';
import { openSession } from './session-factory';
import { Clock } from '../common/clock';
import { AppEnv } from '../config/env.schema';

/** Shutdown gives servers this long to acknowledge the end of their sessions. */
const SHUTDOWN_END_WAIT_MS = 3_000;

interface Entry {
  fingerprint: string;
  session: Promise<McpSession>;
  /** Clock time the last operation on this session started or ended. */
  usedAt: number;
  /** Operations running on it now; a session in use is never idle. */
  inUse: number;
  /** The connect attempt has finished (opened or failed). */
  settled: boolean;
}

export interface SessionRun<T> {
  value: T;
  session: McpSession;
  /** True when this call had to open a new session (first use, expiry, or changed settings). */
  opened: boolean;
}

/**
 * Keeps one live MCP session per server and reuses it for every check and tool call; a new
 * session is opened only when there is none, the old one closed or expired, or the server's
 * connection settings changed.
 */
@Injectable()
export class ConnectionManager implements OnApplicationShutdown {
  private readonly log = new Logger('connections');
  private readonly entries = new Map<string, Entry>();
  private readonly listChangedListeners: ((serverId: string) => void)[] = [];

  constructor(
    private readonly env: AppEnv,
    private readonly clock: Clock,
  ) {}

  onListChanged(listener: (serverId: string) => void): void {
    this.listChangedListeners.push(listener);
  }

  /**
   * Runs `op` on the server's session. A session the server has forgotten (HTTP 404) or a
   * stdio process that has exited is replaced once and `op` retried; other errors propagate.
   */
  async run<T>(
    target: ConnectionTarget,
    timeoutMs: number,
    op: (session: McpSession) => Promise<T>,
  ): Promise<SessionRun<T>> {
    const first = await this.acquire(target, timeoutMs);
    try {
      return { value: await op(first.session), session: first.session, opened: first.opened };
    } catch (error) {
      if (!isSessionExpired(error) && first.session.isOpen) throw error;
      this.log.debug(`session to ${target.name} expired or closed; reconnecting`);
      await this.drop(target.id, first.session);
      const fresh = await this.acquire(target, timeoutMs);
      try {
        return { value: await op(fresh.session), session: fresh.session, opened: true };
      } finally {
        this.release(fresh.entry);
      }
    } finally {
      this.release(first.entry);
    }
  }

  /**
   * Closes sessions nobody has used for `idleMs`: a server another replica now checks, or one
   * that was only opened here for a tool call. Whoever needs it next opens it again.
   */
  async closeIdle(idleMs: number): Promise<number> {
    const before = this.clock.now() - idleMs;
    const isIdle = (id: string, entry: Entry) =>
      entry.inUse === 0 && entry.usedAt < before && this.entries.get(id) === entry;
    const closed = await Promise.all(
      [...this.entries]
        .filter(([id, entry]) => isIdle(id, entry))
        .map(async ([id, entry]) => {
          const session = await entry.session.catch(() => null);
          // A call may have taken the session while it was awaited: then it stays.
          if (!isIdle(id, entry)) return false;
          this.entries.delete(id);
          await session?.close();
          return true;
        }),
    );
    return closed.filter(Boolean).length;
  }

  /** Closes the server's session (server edited, disabled or deleted). */
  async drop(serverId: string, only?: McpSession): Promise<void> {
    const entry = this.entries.get(serverId);
    if (entry) await this.dropEntry(serverId, entry, only);
  }

  has(serverId: string): boolean {
    return this.entries.has(serverId);
  }

  async onApplicationShutdown(): Promise<void> {
    const all = [...this.entries.keys()];
    await Promise.all(all.map((id) => this.drop(id)));
    await sessionEndsSettled(SHUTDOWN_END_WAIT_MS);
  }

  private async dropEntry(serverId: string, entry: Entry, only?: McpSession): Promise<void> {
    const session = await entry.session.catch(() => null);
    if (only && session !== only) return;
    if (this.entries.get(serverId) === entry) this.entries.delete(serverId);
    await session?.close();
  }

  /** Marks the entry in use before its session is handed out, so an idle sweep leaves it. */
  private hold(entry: Entry): Entry {
    entry.inUse++;
    entry.usedAt = this.clock.now();
    return entry;
  }

  private release(entry: Entry): void {
    entry.inUse--;
    entry.usedAt = this.clock.now();
  }

  private async acquire(
    target: ConnectionTarget,
    timeoutMs: number,
  ): Promise<{ session: McpSession; opened: boolean; entry: Entry }> {
    const wanted = fingerprint(target);
    const existing = this.entries.get(target.id);
    if (existing && existing.fingerprint === wanted) {
      // Joining a connect attempt under way: its failure is this caller's too. Starting another
      // after it would make the caller wait twice its timeout for the same answer.
      // The attempt keeps its own deadline for its starter; this caller waits no longer than its.
      const joined = !existing.settled;
      const attempt = joined
        ? withDeadline(existing.session, timeoutMs, 'connect')
        : existing.session;
      const session = await attempt.catch((error: unknown) => {
        if (joined) throw error;
        return null;
      });
      if (session?.isOpen) return { session, opened: false, entry: this.hold(existing) };
      if (this.entries.get(target.id) === existing) this.entries.delete(target.id);
    } else if (existing) {
      await this.drop(target.id);
    }
    const entry = this.connect(target, wanted, timeoutMs);
    const session = await entry.session;
    return { session, opened: true, entry: this.hold(entry) };
  }

  private connect(target: ConnectionTarget, wanted: string, timeoutMs: number): Entry {
    // Concurrent callers share one connection attempt instead of opening several sessions.
    const current = this.entries.get(target.id);
    if (current && current.fingerprint === wanted) return current;
    const session = openSession(
      target,
      timeoutMs,
      {
        onClosed: (closed) => {
          const entry = this.entries.get(target.id);
          if (entry && closed.fingerprint === entry.fingerprint) {
            // The session promise is rejected when the connect itself failed: nothing to remove.
            entry.session.then(
              (s) => {
                if (s === closed && this.entries.get(target.id) === entry)
                  this.entries.delete(target.id);
              },
              () => undefined,
            );
          }
        },
        onListChanged: () => this.listChangedListeners.forEach((l) => l(target.id)),
        onWarning: (message) => this.log.warn(`${target.name}: ${message}`),
      },
      this.env.values.OMNI2_STREAMABLE_HTTP_CLIENT,
    );
    const entry: Entry = {
      fingerprint: wanted,
      session,
      usedAt: this.clock.now(),
      inUse: 0,
      settled: false,
    };
    this.entries.set(target.id, entry);
    session.then(
      () => (entry.settled = true),
      () => {
        entry.settled = true;
        if (this.entries.get(target.id) === entry) this.entries.delete(target.id);
      },
    );
    return entry;
  }
}
