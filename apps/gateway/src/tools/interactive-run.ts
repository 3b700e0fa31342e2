import type { ToolExecutionResult } from '@omni2/contracts';
import type { ElicitationAnswer, ElicitationRequest, InputBroker } from '../connections/tool-input';

export type RunStep = { done: ToolExecutionResult } | { question: ElicitationRequest };

/**
 * A tool run started by a person (console or REST): the server's questions are handed to the
 * caller one at a time, and the run waits for the answer.
 */
export class InteractiveRun implements InputBroker {
  readonly interactive = true;
  private question: { request: ElicitationRequest; answer: (a: ElicitationAnswer) => void } | null =
    null;
  private asked: ((request: ElicitationRequest) => void) | null = null;
  private work: Promise<ToolExecutionResult> | null = null;

  /** Starts the run; `start` gets this run as the broker for the server's questions. */
  begin(start: (input: InputBroker) => Promise<ToolExecutionResult>): void {
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
