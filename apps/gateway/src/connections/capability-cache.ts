import type { CapabilityLists } from './mcp-session';

export interface CachedCapabilities extends CapabilityLists {
  cached_at: string;
}

/** SPEC §4: capabilities are cached per server name for 10 minutes. */
export const CAPABILITY_TTL_MS = 10 * 60 * 1_000;

/** Port with an in-process implementation (embedded mode) and, later, a Redis one. */
export abstract class CapabilityCache {
  abstract get(name: string): Promise<CachedCapabilities | null>;
  abstract set(name: string, value: CachedCapabilities): Promise<void>;
  abstract delete(name: string): Promise<void>;
}

export class InProcessCapabilityCache extends CapabilityCache {
  private readonly entries = new Map<string, { value: CachedCapabilities; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  get(name: string): Promise<CachedCapabilities | null> {
    const entry = this.entries.get(name);
    if (!entry) return Promise.resolve(null);
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(name);
      return Promise.resolve(null);
    }
    return Promise.resolve(entry.value);
  }

  set(name: string, value: CachedCapabilities): Promise<void> {
    this.entries.set(name, { value, expiresAt: this.now() + CAPABILITY_TTL_MS });
    return Promise.resolve();
  }

  delete(name: string): Promise<void> {
    this.entries.delete(name);
    return Promise.resolve();
  }
}
