import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { EventEnvelope, NewEvent } from '@omni2/contracts';
import { EventEmitter } from 'node:events';
import { DomainError } from '../common/domain-error';
import { RuntimeConfigService } from '../config/runtime-config.service';
import { EventStream, type StreamRead } from '../events/event-stream';
import { isGap } from '../events/stream-id';
import { RedisConnections } from './redis-connections';

const FIELD = 'e';
const APPEND_BATCH = 500;
const READ_BLOCK_MS = 5_000;
const READ_COUNT = 1_000;
const MAX_BACKOFF_MS = 2_000;
/** Events waiting for Redis beyond this are dropped oldest first (with an error log). */
const MAX_PENDING = 100_000;
const SHUTDOWN_FLUSH_MS = 3_000;

type Entry = [id: string, fields: string[]];
type Stored = Omit<EventEnvelope, 'id'>;

/**
 * `system:events` on Redis (SPEC §4). Appends go through a local queue pumped in order with MULTI
 * batches, so a check never waits on Redis and an outage delays events instead of losing them
 * (at least once: a batch whose reply is lost in a disconnect may be appended twice). Every
 * replica tails the stream on its own connection with XREAD BLOCK from the last id it saw, and
 * resumes from there after an outage, with backoff rather than a busy loop.
 */
@Injectable()
export class RedisEventStream
  extends EventStream
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly log = new Logger('events');
  private readonly emitter = new EventEmitter();
  private pending: Stored[] = [];
  private pumping: Promise<void> | null = null;
  private lastId: string | null = null;
  private tailing: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly redis: RedisConnections,
    private readonly config: RuntimeConfigService,
  ) {
    super();
    this.emitter.setMaxListeners(0);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Start after what is already there: subscribers want what happens from now on. Redis down
    // at boot: ids are times, so "now" skips the old entries just the same.
    this.lastId = await this.newestId().catch(() => `${Date.now()}-0`);
    this.tailing = this.tail();
  }

  async onApplicationShutdown(): Promise<void> {
    const deadline = Date.now() + SHUTDOWN_FLUSH_MS;
    while (this.pending.length > 0 && Date.now() < deadline) {
      await (this.pumping ?? this.pump());
    }
    if (this.pending.length > 0)
      this.log.error(`${this.pending.length} events not appended at shutdown`);
    this.stopped = true;
    this.redis.blocking.disconnect();
    await this.tailing;
  }

  publish(events: NewEvent[]): Promise<void> {
    const timestamp = new Date().toISOString();
    for (const event of events) this.pending.push({ ...event, timestamp });
    if (this.pending.length > MAX_PENDING) {
      const dropped = this.pending.splice(0, this.pending.length - MAX_PENDING);
      this.log.error(`redis unreachable: dropped ${dropped.length} oldest events`);
    }
    this.pumping ??= this.pump().finally(() => (this.pumping = null));
    return Promise.resolve();
  }

  async read(after: string | null, limit: number): Promise<StreamRead> {
    try {
      return await this.readRange(after, limit);
    } catch (error) {
      this.log.warn(`event stream read failed: ${String(error)}`);
      throw new DomainError(
        'DEPENDENCY_UNAVAILABLE',
        'events: the event stream (Redis) is not reachable right now; retry shortly',
        undefined,
        { dependency: 'redis', retry_after_seconds: 2 },
      );
    }
  }

  private async readRange(after: string | null, limit: number): Promise<StreamRead> {
    const key = this.redis.keys.stream;
    const [first, last] = await this.bounds();
    if (after === null) {
      const newest = (await this.redis.commands.xrevrange(
        key,
        '+',
        '-',
        'COUNT',
        limit,
      )) as Entry[];
      return { items: newest.reverse().map(decode), gap: false, oldest: first };
    }
    const entries = (await this.redis.commands.xrange(
      key,
      `(${after}`,
      '+',
      'COUNT',
      limit,
    )) as Entry[];
    return { items: entries.map(decode), gap: isGap(after, first, last), oldest: first };
  }

  subscribe(listener: (event: EventEnvelope) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  private async pump(): Promise<void> {
    let backoff = 100;
    while (this.pending.length > 0 && !this.stopped) {
      const batch = this.pending.slice(0, APPEND_BATCH);
      try {
        const maxLength = (await this.config.get('events')).max_length;
        const multi = this.redis.commands.multi();
        for (const event of batch) {
          multi.xadd(
            this.redis.keys.stream,
            'MAXLEN',
            '~',
            maxLength,
            '*',
            FIELD,
            JSON.stringify(event),
          );
        }
        const results = await multi.exec();
        const failed = results?.find(([error]) => error !== null)?.[0];
        if (!results || failed) throw failed ?? new Error('transaction aborted');
        // Events published while this batch was in flight stay queued behind it, in order.
        this.pending.splice(0, batch.length);
        backoff = 100;
      } catch (error) {
        this.log.debug(`append failed, retrying in ${backoff} ms: ${String(error)}`);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private async tail(): Promise<void> {
    let backoff = 100;
    while (!this.stopped) {
      try {
        const reply = await this.redis.blocking.xread(
          'COUNT',
          READ_COUNT,
          'BLOCK',
          READ_BLOCK_MS,
          'STREAMS',
          this.redis.keys.stream,
          this.lastId ?? '0-0',
        );
        backoff = 100;
        for (const entry of reply?.[0]?.[1] ?? []) {
          this.lastId = entry[0];
          this.emit(decode(entry));
        }
      } catch (error) {
        if (this.stopped) break;
        this.log.debug(`tail read failed, retrying in ${backoff} ms: ${String(error)}`);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private emit(event: EventEnvelope): void {
    try {
      this.emitter.emit('event', event);
    } catch (error) {
      this.log.error(`event listener failed: ${String(error)}`);
    }
  }

  private async newestId(): Promise<string> {
    const [newest] = (await this.redis.commands.xrevrange(
      this.redis.keys.stream,
      '+',
      '-',
      'COUNT',
      1,
    )) as Entry[];
    return newest?.[0] ?? '0-0';
  }

  /** Oldest kept id and newest assigned id; nulls when the stream does not exist. */
  private async bounds(): Promise<[string | null, string | null]> {
    try {
      const info = (await this.redis.commands.xinfo('STREAM', this.redis.keys.stream)) as unknown[];
      const field = (name: string) => info[info.indexOf(name) + 1];
      const first = field('first-entry') as Entry | null;
      return [first?.[0] ?? null, (field('last-generated-id') as string | undefined) ?? null];
    } catch (error) {
      if (String(error).includes('no such key')) return [null, null];
      throw error;
    }
  }
}

function decode([id, fields]: Entry): EventEnvelope {
  const stored = JSON.parse(fields[fields.indexOf(FIELD) + 1] ?? '{}') as Stored;
  return { ...stored, id };
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
