/** Time source; tests substitute a fake to step through TTLs and breaker periods. */
export class Clock {
  now(): number {
    return Date.now();
  }
}
