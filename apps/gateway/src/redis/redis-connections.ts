import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppEnv } from '../config/env.schema';

/** Spec names (SPEC §4), prefixed only when OMNI2_REDIS_NAMESPACE is set (tests, shared Redis). */
export interface RedisKeys {
  stream: string;
  capabilities(name: string): string;
  /** Pub/sub channel of one replica's relayed tool-run messages (answers, cancels, replies). */
  toolInput(tag: string, kind: 'answers' | 'cancels' | 'replies'): string;
}

/**
 * The Redis connections of one replica: `commands` for appends, reads and the cache, and
 * `blocking` for the stream tailer's XREAD BLOCK, which would stall anything sharing its socket.
 * Commands fail fast while Redis is unreachable (no hidden offline queue); callers decide how to
 * wait or degrade.
 */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  private readonly log = new Logger('redis');
  readonly commands: Redis;
  readonly blocking: Redis;
  readonly keys: RedisKeys;

  constructor(env: AppEnv) {
    const url = env.values.REDIS_URL;
    if (url === undefined) throw new Error('RedisConnections needs REDIS_URL');
    const options = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      // Reconnect forever, backing off to 2 s: Redis coming back must not need a restart.
      retryStrategy: (attempt: number) => Math.min(attempt * 100, 2_000),
    };
    this.commands = new Redis(url, { ...options, connectionName: 'omni2-commands' });
    this.blocking = new Redis(url, { ...options, connectionName: 'omni2-tailer' });
    for (const client of [this.commands, this.blocking]) {
      // Without a listener ioredis prints every failed reconnect; one warning per outage is enough.
      let down = false;
      client.on('error', (error: Error) => {
        if (!down) this.log.warn(`redis unreachable: ${error.message}`);
        down = true;
      });
      client.on('ready', () => {
        if (down) this.log.log('redis reachable again');
        down = false;
      });
    }
    const ns = env.values.OMNI2_REDIS_NAMESPACE;
    const key = (k: string) => (ns ? `${ns}:${k}` : k);
    this.keys = {
      stream: key('system:events'),
      capabilities: (name) => key(`mcp:capabilities:${name}`),
      toolInput: (tag, kind) => key(`omni2:tool-input:${tag}:${kind}`),
    };
  }

  async ping(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>(
      (done) => (timer = setTimeout(() => done(false), timeoutMs)),
    );
    try {
      return await Promise.race([
        this.commands.ping().then(
          (r) => r === 'PONG',
          () => false,
        ),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  onApplicationShutdown(): void {
    this.commands.disconnect();
    this.blocking.disconnect();
  }
}
