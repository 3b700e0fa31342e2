import { Injectable, signal } from '@angular/core';

/**
 * One ticking "now" for the whole console: relative times and countdowns read it, so one timer
 * drives them all and only the views that show a time re-render.
 */
@Injectable({ providedIn: 'root' })
export class Clock {
  private readonly nowMs = signal(Date.now());
  readonly now = this.nowMs.asReadonly();

  constructor() {
    setInterval(() => this.nowMs.set(Date.now()), 1000);
  }
}
