import { HoldableTimer } from './deadline';
import { elicitationOf, withDefaults } from './tool-input';

describe('HoldableTimer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('expires after its time, not counting the time it was held', () => {
    const expired = jest.fn();
    const timer = new HoldableTimer(1_000, expired);
    jest.advanceTimersByTime(400);
    const release = timer.hold();
    jest.advanceTimersByTime(60_000);
    expect(expired).not.toHaveBeenCalled();
    release();
    jest.advanceTimersByTime(599);
    expect(expired).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('keeps counting only when every hold is released, each release counting once', () => {
    const expired = jest.fn();
    const timer = new HoldableTimer(100, expired);
    const first = timer.hold();
    const second = timer.hold();
    first();
    first();
    jest.advanceTimersByTime(1_000);
    expect(expired).not.toHaveBeenCalled();
    second();
    jest.advanceTimersByTime(100);
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('never fires once cleared', () => {
    const expired = jest.fn();
    const timer = new HoldableTimer(100, expired);
    timer.clear();
    timer.hold()();
    jest.advanceTimersByTime(1_000);
    expect(expired).not.toHaveBeenCalled();
  });
});

describe('elicitation requests and answers', () => {
  const form = {
    message: 'Who?',
    requestedSchema: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        color: { type: 'string', enum: ['red', 'green'], default: 'green' },
        count: { type: 'integer', default: 3 },
      },
    },
  };

  it('fills the defaults of the fields an accepted form left out (SEP-1034)', () => {
    expect(withDefaults(form, { action: 'accept', content: { name: 'Ada', count: 1 } })).toEqual({
      action: 'accept',
      content: { name: 'Ada', count: 1, color: 'green' },
    });
  });

  it('leaves a decline or cancel as it is', () => {
    expect(withDefaults(form, { action: 'decline' })).toEqual({ action: 'decline' });
    expect(withDefaults(form, { action: 'cancel' })).toEqual({ action: 'cancel' });
  });

  it('reads form elicitations only', () => {
    expect(elicitationOf(form)).toEqual(form);
    expect(elicitationOf({ ...form, mode: 'form' })).toEqual(form);
    expect(elicitationOf({ ...form, mode: 'url', url: 'https://example.test' })).toBeNull();
    expect(elicitationOf({ message: 'no schema' })).toBeNull();
    expect(elicitationOf({ requestedSchema: {} })).toBeNull();
    expect(elicitationOf(undefined)).toBeNull();
  });
});
