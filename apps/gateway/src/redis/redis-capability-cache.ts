import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import {
  CAPABILITY_TTL_MS,
  CapabilityCache,
  type CachedCapabilities,
} from '../connections/capability-cache';
import { RedisConnections } from './redis-connections';

/** Parsed copies are reused this long, so a tool call does not pay a Redis read and a parse. */
const LOCAL_MS = 2_000;
const LOCAL_LIMIT = 20_000;

/**
 * Capabilities at `mcp:capabilities:{name}` (TTL 10 min), shared by every replica (SPEC §4).
 * Redis being down degrades to cache misses (capabilities fetched live), never to a failure.
 */
@Injectable()
export class RedisCapabilityCache extends CapabilityCache {
  private readonly log = new Logger('capabilities');
  private readonly local = new Map<string, { value: CachedCapabilities | null; at: number }>();

  constructor(
    private readonly redis: RedisConnections,
    private readonly clock: Clock,
  ) {
    super();
  }

  async get(name: string): Promise<CachedCapabilities | null> {
    const now = this.clock.now();
    const hit = this.local.get(name);
    if (hit && now - hit.at < LOCAL_MS) return hit.value;
    let value: CachedCapabilities | null;
    try {
      const text = await this.redis.commands.get(this.redis.keys.capabilities(name));
      value = text === null ? null : (JSON.parse(text) as CachedCapabilities);
    } catch (error) {
      this.log.debug(`capability cache read failed for ${name}: ${String(error)}`);
      return hit?.value ?? null;
    }
    this.remember(name, value, now);
    return value;
  }

  async set(name: string, value: CachedCapabilities): Promise<void> {
    this.remember(name, value, this.clock.now());
    try {
      await this.redis.commands.set(
        this.redis.keys.capabilities(name),
        JSON.stringify(value),
        'PX',
        CAPABILITY_TTL_MS,
      );
    } catch (error) {
      this.log.warn(`capability cache write failed for ${name}: ${String(error)}`);
    }
  }

  async delete(name: string): Promise<void> {
    this.local.delete(name);
    try {
      await this.redis.commands.del(this.redis.keys.capabilities(name));
    } catch (error) {
      this.log.warn(`capability cache delete failed for ${name}: ${String(error)}`);
    }
  }

  private remember(name: string, value: CachedCapabilities | null, at: number): void {
    if (this.local.size >= LOCAL_LIMIT) this.local.clear();
    this.local.set(name, { value, at });
  }
}
