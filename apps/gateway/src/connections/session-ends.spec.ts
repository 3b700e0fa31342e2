import { endInBackground, sessionEndsSettled } from './session-ends';

describe('session ends in the background', () => {
  it('sends at most 64 at a time, and every one in the end', async () => {
    let running = 0;
    let peak = 0;
    let done = 0;
    const releases: (() => void)[] = [];
    for (let i = 0; i < 150; i++) {
      endInBackground(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
        done++;
      });
    }
    expect(running).toBe(64);
    while (done < 150) {
      releases.splice(0).forEach((release) => release());
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(peak).toBe(64);
    await sessionEndsSettled(1_000);
  });

  it('keeps going after an end fails', async () => {
    const sent: number[] = [];
    endInBackground(() => Promise.reject(new Error('refused')));
    endInBackground(() => {
      sent.push(1);
      return Promise.resolve();
    });
    await sessionEndsSettled(1_000);
    expect(sent).toEqual([1]);
  });

  // Last: the end that never settles stays in flight for the rest of this file.
  it('stops waiting at its bound when a server never answers', async () => {
    endInBackground(() => new Promise<void>(() => undefined));
    await expect(sessionEndsSettled(20)).resolves.toBeUndefined();
  });
});
