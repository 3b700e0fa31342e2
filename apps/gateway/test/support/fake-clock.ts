import { Clock } from '../../src/common/clock';

/** A clock that moves only when a test moves it. */
export class FakeClock extends Clock {
  constructor(public t = 1_000_000) {
    super();
  }

  override now(): number {
    return this.t;
  }
}
