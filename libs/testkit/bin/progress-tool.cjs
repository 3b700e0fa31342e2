// The `progress` tool (Behaviour.longRunningTools) and the notification log, shared by both stdio
// bins; a copy of src/long-running-tools.ts (the bins cannot import TypeScript): keep in step.
'use strict';

const fs = require('node:fs');

async function countSteps({ steps, interval_ms, no_total }, signal, report) {
  for (let step = 1; step <= steps; step++) {
    const finished = await new Promise((resolve) => {
      if (signal.aborted) {
        resolve(false);
        return;
      }
      const stop = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', stop);
        resolve(true);
      }, interval_ms);
      // A run nobody stopped never keeps its process (or a test runner) alive.
      timer.unref();
      signal.addEventListener('abort', stop, { once: true });
    });
    if (!finished) return null;
    if (report) {
      await report({
        progress: step,
        ...(no_total ? {} : { total: steps }),
        message: `step ${step} of ${steps}`,
      }).catch(() => undefined);
    }
  }
  return `counted ${steps}`;
}

function progressInput(z) {
  return {
    steps: z.number().int().min(1).max(10_000),
    interval_ms: z.number().min(0).max(60_000),
    no_total: z.boolean().optional(),
  };
}

const PROGRESS_DESCRIPTION =
  'Counts `steps` steps, one every `interval_ms`, reporting progress after each';

/** Appends each notification the client sends to `file` (TESTKIT_NOTIFICATIONS_FILE), if set. */
function notificationRecorder(file) {
  return (message) => {
    if (!file) return;
    const requestId = message.params && message.params.requestId;
    const record = { method: message.method, at: Date.now() };
    if (typeof requestId === 'string' || typeof requestId === 'number')
      record.requestId = requestId;
    fs.appendFileSync(file, `${JSON.stringify(record)}\n`);
  };
}

module.exports = { countSteps, progressInput, PROGRESS_DESCRIPTION, notificationRecorder };
