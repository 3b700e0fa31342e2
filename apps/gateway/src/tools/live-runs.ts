import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { ToolRunProgress, ToolRunStartedEvent } from '@omni2/contracts';
import { PausedRuns } from './paused-runs';

/** Who may cancel a run: the caller who started it, for that server and tool. */
export interface RunOwner {
  caller: string;
  serverId: string;
  tool: string;
}

/** Whoever follows a run as it goes (a streamed execute request). */
export interface RunListener {
  started(event: ToolRunStartedEvent): void;
  progress(progress: ToolRunProgress): void;
}

/**
 * One tool run from its start to its end, on the replica that runs it: its id (known to the
 * caller before the result, from the `run` event), the signal that cancels the upstream call, and
 * whoever follows it now (a paused run that is answered gets the answering request's listener).
 */
export class LiveRun {
  private readonly controller = new AbortController();
  private listener: RunListener | null = null;
  private startedEvent: ToolRunStartedEvent | null = null;
  /** Why it was cancelled, once it was. */
  cancelReason: string | null = null;
  /** Called once when the run is cancelled (a question it waits on is answered "cancel"). */
  onCancel: (() => void) | null = null;

  constructor(
    readonly id: string,
    readonly owner: RunOwner,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get cancelled(): boolean {
    return this.controller.signal.aborted;
  }

  /** The listener for what comes next; a run already under way tells it so at once. */
  follow(listener: RunListener | null): void {
    this.listener = listener;
    if (listener && this.startedEvent) listener.started(this.startedEvent);
  }

  /** The call is about to reach the server. */
  start(event: ToolRunStartedEvent): void {
    this.startedEvent = event;
    this.listener?.started(event);
  }

  progress(progress: ToolRunProgress): void {
    this.listener?.progress(progress);
  }

  cancel(reason: string): void {
    if (this.cancelled) return;
    this.cancelReason = reason;
    this.controller.abort();
    this.onCancel?.();
  }
}

/**
 * The tool runs under way on this replica, by run id. A run id starts with the replica's tag (as
 * input tokens do), so any replica knows where to relay a cancel.
 */
@Injectable()
export class LiveRuns {
  private readonly runs = new Map<string, LiveRun>();

  constructor(private readonly paused: PausedRuns) {}

  get tag(): string {
    return this.paused.tag;
  }

  /** The tag of the replica that runs `runId`; null when the id has no valid shape. */
  ownerOf(runId: string): string | null {
    return this.paused.ownerOf(runId);
  }

  open(owner: RunOwner): LiveRun {
    const run = new LiveRun(`${this.tag}.${randomBytes(18).toString('base64url')}`, owner);
    this.runs.set(run.id, run);
    return run;
  }

  close(run: LiveRun): void {
    if (this.runs.get(run.id) === run) this.runs.delete(run.id);
  }

  /**
   * The run `runId` of this caller, server and tool, or null: anyone else's run is "not found",
   * so run ids reveal nothing.
   */
  find(runId: string, owner: RunOwner): LiveRun | null {
    const run = this.runs.get(runId);
    if (
      !run ||
      run.owner.caller !== owner.caller ||
      run.owner.serverId !== owner.serverId ||
      run.owner.tool !== owner.tool
    ) {
      return null;
    }
    return run;
  }

  /** The run `runId` on this replica, whoever started it (for the request that started it). */
  get(runId: string): LiveRun | null {
    return this.runs.get(runId) ?? null;
  }

  get size(): number {
    return this.runs.size;
  }
}
