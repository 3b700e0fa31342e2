import type { ToolCancelledResult, ToolExecutionResult } from '@omni2/contracts';
import type { ElicitationAnswer, ElicitationRequest, InputBroker } from '../connections/tool-input';
import type { LiveRun } from './live-runs';

/** How a run ends: the server's answer, or its cancellation. */
export type RunEnd = ToolExecutionResult | ToolCancelledResult;

export type RunStep = { done: RunEnd } | { question: ElicitationRequest };

/**
 * A tool run started by a person (console or REST): the server's questions are handed to the
 * caller one at a time, and the run waits for the answer.
 */
export class InteractiveRun implements InputBroker {
  readonly interactive = true;
  /** The run's id, cancel signal and listener (live-runs.ts). */
  live: LiveRun | null = null;
  private question: { request: ElicitationRequest; answer: (a: ElicitationAnswer) => void } | null =
    null;
  private asked: ((request: ElicitationRequest) => void) | null = null;
  private work: Promise<RunEnd> | null = null;

  /** Starts the run; `start` gets this run as the broker for the server's questions. */
  begin(start: (input: InputBroker) => Promise<RunEnd>): void {
    this.work = start(this);
  }

  elicit(request: ElicitationRequest): Promise<ElicitationAnswer> {
    return new Promise((answer) => {
      this.question = { request, answer };
      this.asked?.(request);
      this.asked = null;
    });
  }

  /** The open question, if the run is waiting on one. */
  get pending(): ElicitationRequest | null {
    return this.question?.request ?? null;
  }

  answer(answer: ElicitationAnswer): void {
    const question = this.question;
    this.question = null;
    question?.answer(answer);
  }

  /** Whatever comes first: the run's result (or failure), or a question for the caller. */
  next(): Promise<RunStep> {
    if (this.work === null) throw new Error('the run has not begun');
    const open = this.question;
    const asked =
      open !== null
        ? Promise.resolve({ question: open.request })
        : new Promise<RunStep>((resolve) => {
            this.asked = (request) => resolve({ question: request });
          });
    return Promise.race([this.work.then((done) => ({ done })), asked]);
  }
}
