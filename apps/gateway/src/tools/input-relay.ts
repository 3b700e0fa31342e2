import { randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ToolInputResponse, ToolRunCancelAccepted, ToolRunResult } from '@omni2/contracts';
import type { Redis } from 'ioredis';
import { DomainError } from '../common/domain-error';
import { RedisConnections } from '../redis/redis-connections';
import { PausedRuns } from './paused-runs';

/** A caller's answer to a paused run's question, as any replica received it. */
export interface RunAnswer {
  token: string;
  caller: string;
  serverId: string;
  tool: string;
  response: ToolInputResponse;
}

/** A caller's cancel of a run, as any replica received it. */
export interface RunCancel {
  runId: string;
  caller: string;
  serverId: string;
  tool: string;
}

type AnswerHandler = (answer: RunAnswer) => Promise<ToolRunResult>;
type CancelHandler = (cancel: RunCancel) => Promise<ToolRunCancelAccepted>;

/**
 * A run lives on the replica that started it (its upstream call, and a 2025 server's question,
 * are on that replica's connection). An answer or a cancel that reaches another replica is
 * relayed to the owner, which acts on it and sends back what it would have answered.
 */
export abstract class InputRelay {
  /** Handles answers and cancels relayed to this replica. */
  abstract serve(handler: AnswerHandler, cancels?: CancelHandler): Promise<void>;
  /** The next step of a run held by replica `owner`. */
  abstract forward(owner: string, answer: RunAnswer, timeoutMs: number): Promise<ToolRunResult>;
  /** Cancels a run held by replica `owner`. */
  abstract forwardCancel(
    owner: string,
    cancel: RunCancel,
    timeoutMs: number,
  ): Promise<ToolRunCancelAccepted>;
}

const runNotHeld = () =>
  new DomainError(
    'TOOL_RUN_NOT_FOUND',
    'run_id: no tool run of yours is under way with this id (it finished, or its replica stopped)',
  );

const notHeld = () =>
  new DomainError(
    'TOOL_INPUT_NOT_FOUND',
    'input_token: no tool run is waiting for this answer (it was answered, it expired, or its replica stopped)',
  );

/** One process (embedded mode): no other replica can hold a run. */
@Injectable()
export class LocalInputRelay extends InputRelay {
  serve(): Promise<void> {
    return Promise.resolve();
  }

  forward(): Promise<ToolRunResult> {
    return Promise.reject(notHeld());
  }

  forwardCancel(): Promise<ToolRunCancelAccepted> {
    return Promise.reject(runNotHeld());
  }
}

interface Envelope {
  id: string;
  from: string;
  answer?: RunAnswer;
  cancel?: RunCancel;
  result?: ToolRunResult;
  accepted?: ToolRunCancelAccepted;
  error?: { code: DomainError['code']; message: string; errors?: DomainError['errors'] };
}

/** Over Redis pub/sub: each replica listens on its own channels, named by its tag. */
@Injectable()
export class RedisInputRelay extends InputRelay implements OnApplicationShutdown {
  private readonly log = new Logger('tools');
  private subscriber: Redis | null = null;
  private readonly waiting = new Map<
    string,
    { resolve: (envelope: Envelope) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();

  constructor(
    private readonly redis: RedisConnections,
    private readonly paused: PausedRuns,
  ) {
    super();
  }

  serve(handler: AnswerHandler, cancels?: CancelHandler): Promise<void> {
    const mine = this.paused.tag;
    const answers = this.redis.keys.toolInput(mine, 'answers');
    const cancelChannel = this.redis.keys.toolInput(mine, 'cancels');
    const replies = this.redis.keys.toolInput(mine, 'replies');
    // A subscribed connection can do nothing else: it gets its own. Its subscription waits for
    // Redis (and is renewed after an outage) without holding up the start.
    this.subscriber = this.redis.commands.duplicate({
      connectionName: 'omni2-tool-input',
      enableOfflineQueue: true,
    });
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (channel: string, text: string) => {
      const envelope = parse(text);
      if (envelope === null) return;
      if (channel === answers && envelope.answer) {
        const answer = envelope.answer;
        void this.reply(envelope, async () => ({ result: await handler(answer) }));
      } else if (channel === cancelChannel && envelope.cancel && cancels) {
        const cancel = envelope.cancel;
        void this.reply(envelope, async () => ({ accepted: await cancels(cancel) }));
      } else if (channel === replies) this.settle(envelope);
    });
    this.subscriber.subscribe(answers, cancelChannel, replies).catch((error: unknown) => {
      this.log.warn(`tool-input relay not subscribed: ${String(error)}`);
    });
    return Promise.resolve();
  }

  async forward(owner: string, answer: RunAnswer, timeoutMs: number): Promise<ToolRunResult> {
    const reply = await this.send(owner, 'answers', { answer }, timeoutMs, notHeld);
    if (!reply.result) throw notHeld();
    return reply.result;
  }

  async forwardCancel(
    owner: string,
    cancel: RunCancel,
    timeoutMs: number,
  ): Promise<ToolRunCancelAccepted> {
    const reply = await this.send(owner, 'cancels', { cancel }, timeoutMs, runNotHeld);
    if (!reply.accepted) throw runNotHeld();
    return reply.accepted;
  }

  /** Publishes a request to replica `owner` and waits for its reply envelope. */
  private async send(
    owner: string,
    kind: 'answers' | 'cancels',
    body: Pick<Envelope, 'answer' | 'cancel'>,
    timeoutMs: number,
    gone: () => DomainError,
  ): Promise<Envelope> {
    const id = randomBytes(12).toString('base64url');
    const reply = new Promise<Envelope>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(
          new DomainError(
            'UPSTREAM_TIMEOUT',
            'the replica holding the tool run did not answer in time',
          ),
        );
      }, timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
    });
    const envelope: Envelope = { id, from: this.paused.tag, ...body };
    let listeners: number;
    try {
      listeners = await this.redis.commands.publish(
        this.redis.keys.toolInput(owner, kind),
        JSON.stringify(envelope),
      );
    } catch {
      listeners = -1;
    }
    if (listeners < 0) {
      this.settle({
        id,
        from: owner,
        error: {
          code: 'DEPENDENCY_UNAVAILABLE',
          message: 'the event stream (Redis) is unreachable',
        },
      });
    }
    if (listeners === 0) {
      // The owner is gone, and with it the run.
      this.settle({
        id,
        from: owner,
        error: { code: gone().code, message: gone().message },
      });
    }
    return reply;
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
    for (const [id, waiting] of this.waiting) {
      clearTimeout(waiting.timer);
      waiting.reject(notHeld());
      this.waiting.delete(id);
    }
  }

  /** Acts on a relayed request and publishes the reply to the replica that sent it. */
  private async reply(
    envelope: Envelope,
    act: () => Promise<Pick<Envelope, 'result' | 'accepted'>>,
  ): Promise<void> {
    let reply: Envelope;
    try {
      reply = { id: envelope.id, from: this.paused.tag, ...(await act()) };
    } catch (error) {
      const known = error instanceof DomainError ? error : null;
      if (!known) this.log.error(`relayed tool input failed: ${String(error)}`);
      reply = {
        id: envelope.id,
        from: this.paused.tag,
        error: known
          ? { code: known.code, message: known.message, errors: known.errors }
          : { code: 'INTERNAL', message: 'the tool run could not continue' },
      };
    }
    await this.redis.commands
      .publish(this.redis.keys.toolInput(envelope.from, 'replies'), JSON.stringify(reply))
      .catch((error: unknown) =>
        this.log.warn(`relaying a tool-input reply failed: ${String(error)}`),
      );
  }

  private settle(envelope: Envelope): void {
    const waiting = this.waiting.get(envelope.id);
    if (!waiting) return;
    this.waiting.delete(envelope.id);
    clearTimeout(waiting.timer);
    if (envelope.result || envelope.accepted) waiting.resolve(envelope);
    else {
      const e = envelope.error ?? { code: 'INTERNAL' as const, message: 'no reply' };
      waiting.reject(new DomainError(e.code, e.message, e.errors));
    }
  }
}

function parse(text: string): Envelope | null {
  try {
    const value = JSON.parse(text) as Envelope;
    return typeof value?.id === 'string' && typeof value.from === 'string' ? value : null;
  } catch {
    return null;
  }
}
