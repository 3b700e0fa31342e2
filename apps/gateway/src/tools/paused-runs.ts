import { createHash, randomBytes } from 'node:crypto';
import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { ReplicaIdentity } from '../common/replica-identity';
import { MAX_INPUT_WAIT_MS } from '../connections/tool-input';
import type { InteractiveRun } from './interactive-run';

interface Parked {
  run: InteractiveRun;
  caller: string;
  serverId: string;
  tool: string;
  timer: NodeJS.Timeout;
}

/**
 * Tool runs paused on a question, by the token their caller answers with. The run stays on
 * this replica (a 2025 server's question lives on its open connection here); a question left
 * unanswered is cancelled after MAX_INPUT_WAIT_MS, and the run then finishes on its own.
 */
@Injectable()
export class PausedRuns implements BeforeApplicationShutdown {
  private readonly parked = new Map<string, Parked>();
  /** Tokens start with it, so any replica knows which one holds a run (the id stays private). */
  readonly tag: string;

  constructor(replica: ReplicaIdentity) {
    this.tag = createHash('sha256').update(replica.id).digest('base64url').slice(0, 12);
  }

  /** The tag of the replica that issued `token`; null when the token has no valid shape. */
  ownerOf(token: string): string | null {
    const dot = token.indexOf('.');
    return dot > 0 ? token.slice(0, dot) : null;
  }

  park(
    run: InteractiveRun,
    owner: Omit<Parked, 'run' | 'timer'>,
  ): { token: string; expiresAt: Date } {
    const token = `${this.tag}.${randomBytes(24).toString('base64url')}`;
    const timer = setTimeout(() => this.cancel(token), MAX_INPUT_WAIT_MS);
    timer.unref();
    this.parked.set(token, { run, ...owner, timer });
    return { token, expiresAt: new Date(Date.now() + MAX_INPUT_WAIT_MS) };
  }

  /**
   * The run paused under `token` for this caller, server and tool, without taking it. Anyone
   * else's token, or one for another tool, is "not found": tokens reveal nothing.
   */
  peek(token: string, caller: string, serverId: string, tool: string): InteractiveRun {
    const parked = this.parked.get(token);
    if (
      !parked ||
      parked.caller !== caller ||
      parked.serverId !== serverId ||
      parked.tool !== tool
    ) {
      throw new DomainError(
        'TOOL_INPUT_NOT_FOUND',
        'input_token: no tool run is waiting for this answer (it was answered, or it expired)',
      );
    }
    return parked.run;
  }

  /** Removes the run from the waiting list (it is being answered). */
  release(token: string): void {
    const parked = this.parked.get(token);
    if (!parked) return;
    clearTimeout(parked.timer);
    this.parked.delete(token);
  }

  /** Removes `run` from the waiting list, under whatever token (the run was cancelled). */
  releaseRun(run: InteractiveRun): void {
    for (const [token, parked] of this.parked) {
      if (parked.run === run) this.release(token);
    }
  }

  get size(): number {
    return this.parked.size;
  }

  /** Before connections close: the cancelled runs can still tell their servers and finish. */
  beforeApplicationShutdown(): void {
    for (const token of [...this.parked.keys()]) this.cancel(token);
  }

  private cancel(token: string): void {
    const parked = this.parked.get(token);
    if (!parked) return;
    this.release(token);
    parked.run.answer({ action: 'cancel' });
  }
}
