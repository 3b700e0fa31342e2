import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import { compareEventIds, type EventEnvelope, type NewEvent } from '@omni2/contracts';
import { RuntimeConfigService } from '../config/runtime-config.service';
import { EventStream, type StreamRead } from './event-stream';
import { isGap } from './stream-id';

/** Embedded mode (one replica): a bounded ring with Redis-shaped ids (`<ms>-<seq>`). */
@Injectable()
export class InProcessEventStream extends EventStream {
  private readonly ring: EventEnvelope[] = [];
  private readonly emitter = new EventEmitter();
  private lastMs = 0;
  private seq = 0;
  private maxLength = 10_000;

  constructor(private readonly config?: RuntimeConfigService) {
    super();
    this.emitter.setMaxListeners(0);
  }

  async publish(events: NewEvent[]): Promise<void> {
    if (this.config) this.maxLength = (await this.config.get('events')).max_length;
    const published = events.map((event) => this.append(event));
    if (this.ring.length > this.maxLength) this.ring.splice(0, this.ring.length - this.maxLength);
    for (const envelope of published) this.emitter.emit('event', envelope);
  }

  read(after: string | null, limit: number): Promise<StreamRead> {
    const oldest = this.ring[0]?.id ?? null;
    if (after === null) {
      return Promise.resolve({ items: this.ring.slice(-limit), gap: false, oldest });
    }
    const last = this.lastMs === 0 ? null : `${this.lastMs}-${this.seq}`;
    const start = this.ring.findIndex((e) => compareEventIds(e.id, after) > 0);
    return Promise.resolve({
      items: start === -1 ? [] : this.ring.slice(start, start + limit),
      gap: isGap(after, oldest, last),
      oldest,
    });
  }

  subscribe(listener: (event: EventEnvelope) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  private append(event: NewEvent): EventEnvelope {
    const now = Date.now();
    if (now > this.lastMs) {
      this.lastMs = now;
      this.seq = 0;
    } else {
      this.seq++;
    }
    const envelope = {
      ...event,
      id: `${this.lastMs}-${this.seq}`,
      timestamp: new Date(now).toISOString(),
    } as EventEnvelope;
    this.ring.push(envelope);
    return envelope;
  }
}
