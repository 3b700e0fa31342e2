import { UpstreamTimeoutError } from './error-classifier';

/** Rejects with UpstreamTimeoutError when `work` takes longer than `ms`; never leaves a timer. */
export async function withDeadline<T>(work: Promise<T>, ms: number, operation: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UpstreamTimeoutError(operation, ms)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A timeout that stops counting while omni2 waits on a person (a server's question during a
 * tool call): the server is waiting on us then, not the other way round.
 */
export class HoldableTimer {
  private timer: NodeJS.Timeout | undefined;
  private remaining: number;
  private armedAt = 0;
  private holds = 0;
  private finished = false;

  constructor(
    ms: number,
    private readonly onExpire: () => void,
  ) {
    this.remaining = ms;
    this.arm();
  }

  /** Stops the clock until the returned function is called (idempotent). */
  hold(): () => void {
    if (this.finished) return () => undefined;
    if (this.holds++ === 0) {
      clearTimeout(this.timer);
      this.remaining -= performance.now() - this.armedAt;
    }
    let released = false;
    return () => {
      if (released || this.finished) return;
      released = true;
      if (--this.holds === 0) this.arm();
    };
  }

  clear(): void {
    this.finished = true;
    clearTimeout(this.timer);
  }

  private arm(): void {
    this.armedAt = performance.now();
    this.timer = setTimeout(
      () => {
        this.finished = true;
        this.onExpire();
      },
      Math.max(0, this.remaining),
    );
    // The request it guards keeps the process alive while it matters (its socket or pipe).
    this.timer.unref();
  }
}
