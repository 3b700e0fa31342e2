import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import type { EventEnvelope, NewEvent } from '@omni2/contracts';

/**
 * Where every state change goes (SPEC §4). The coordinator and services hand events here; the
 * real-time layer (Redis stream, Socket.IO) backs the same port later.
 */
export abstract class EventPublisher {
  abstract publish(events: NewEvent[]): Promise<EventEnvelope[]>;
  abstract subscribe(listener: (event: EventEnvelope) => void): () => void;
}

const RING_SIZE = 10_000;

/** Embedded mode: a bounded in-memory ring with stream-like ids (`<ms>-<seq>`). */
@Injectable()
export class InProcessEventPublisher extends EventPublisher {
  private readonly ring: EventEnvelope[] = [];
  private readonly emitter = new EventEmitter();
  private lastMs = 0;
  private seq = 0;

  constructor() {
    super();
    this.emitter.setMaxListeners(0);
  }

  publish(events: NewEvent[]): Promise<EventEnvelope[]> {
    const published = events.map((event) => this.append(event));
    for (const envelope of published) this.emitter.emit('event', envelope);
    return Promise.resolve(published);
  }

  subscribe(listener: (event: EventEnvelope) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  /** Events after `id` still held in the ring, oldest first. */
  since(id: string | null): EventEnvelope[] {
    if (id === null) return [...this.ring];
    const index = this.ring.findIndex((e) => e.id === id);
    return index === -1 ? [...this.ring] : this.ring.slice(index + 1);
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
    if (this.ring.length > RING_SIZE) this.ring.splice(0, this.ring.length - RING_SIZE);
    return envelope;
  }
}
