/**
 * Telling servers that sessions are over (HTTP DELETE) happens in the background: closing a
 * session for an edit, a reload or an idle sweep should not wait on the server, and a sweep
 * that closes thousands at once should not crowd checks off the connection pool. Shutdown
 * waits a bounded time for what is still queued.
 */
const MAX_IN_FLIGHT = 64;

const queue: (() => Promise<void>)[] = [];
let head = 0;
const running = new Set<Promise<void>>();

export function endInBackground(end: () => Promise<void>): void {
  queue.push(end);
  pump();
}

function pump(): void {
  while (running.size < MAX_IN_FLIGHT && head < queue.length) {
    const end = queue[head++];
    const task: Promise<void> = end()
      .catch(() => undefined)
      .finally(() => {
        running.delete(task);
        pump();
      });
    running.add(task);
  }
  if (head === queue.length) {
    queue.length = 0;
    head = 0;
  }
}

/** Waits until every queued end has been sent and answered, or `maxMs` has passed. */
export async function sessionEndsSettled(maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (running.size > 0 && Date.now() < deadline) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...running]),
      new Promise((resolve) => (timer = setTimeout(resolve, deadline - Date.now()))),
    ]);
    clearTimeout(timer);
  }
}
