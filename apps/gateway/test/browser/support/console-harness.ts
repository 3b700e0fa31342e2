import type { Browser } from 'playwright-core';
import type { Behaviour } from '@omni2/testkit';
import { pollUntil } from '../../support/poll';
import { startTestApp, type TestApp } from '../../support/test-app';
import { startUpstream, type Transport, type Upstream } from '../../support/upstreams';
import { launchChromium, openPage, type WatchedPage } from './browser';

/** Fast breaker settings so a failing upstream opens its circuit within a couple of seconds. */
export const FAST_HEALTH = {
  interval_seconds: 1,
  unhealthy_interval_seconds: 1,
  timeout_seconds: 2,
  concurrency: 20,
};
export const FAST_BREAKER = {
  enabled: true,
  failure_threshold: 2,
  timeout_seconds: 30,
  backoff_multiplier: 2,
  max_timeout_seconds: 60,
  half_open_max_calls: 1,
  max_failure_cycles: 3,
  auto_disable_enabled: true,
  disable_after_minutes: 30,
};

export interface RegisteredServer {
  id: string;
  name: string;
  upstream: Upstream;
}

/**
 * The real gateway (fresh database, console served from dist/console) plus testkit upstreams and
 * a headless Chromium. Everything a browser test needs, closed in one call.
 */
export class ConsoleHarness {
  private readonly pages: WatchedPage[] = [];
  readonly servers = new Map<string, RegisteredServer>();

  private constructor(
    readonly t: TestApp,
    readonly browser: Browser,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<ConsoleHarness> {
    const t = await startTestApp({ OMNI2_COORDINATOR_TICK_MS: '100', ...env });
    const browser = await launchChromium().catch(async (error: unknown) => {
      await t.close();
      throw error;
    });
    const harness = new ConsoleHarness(t, browser);
    await harness.put('health_check', FAST_HEALTH);
    await harness.put('circuit_breaker', FAST_BREAKER);
    return harness;
  }

  get baseUrl(): string {
    return this.t.baseUrl;
  }

  async put(key: string, value: unknown): Promise<void> {
    const res = await this.t.api('PUT', `/api/v1/config/${key}`, value);
    if (res.status !== 200) throw new Error(`PUT /config/${key}: ${res.status} ${res.text}`);
  }

  /** Starts a testkit upstream and registers it; resolves once the gateway has seen it. */
  async addServer(
    name: string,
    transport: Transport = 'streamable_http',
    behaviour: Partial<Behaviour> = {},
  ): Promise<RegisteredServer> {
    const upstream = await startUpstream(transport, behaviour);
    const res = await this.t.api('POST', '/api/v1/mcp/servers', {
      ...upstream.registration(name),
      description: `testkit ${transport} server`,
    });
    if (res.status !== 201) throw new Error(`register ${name}: ${res.status} ${res.text}`);
    const server = { id: res.body.id as string, name, upstream };
    this.servers.set(name, server);
    return server;
  }

  /** Waits until the API reports `status` for the server (the gateway side of a change). */
  async waitForStatus(name: string, status: string, timeoutMs = 20_000): Promise<void> {
    await pollUntil(
      async () => (await this.t.api('GET', `/api/v1/mcp/servers/${name}`)).body.health_status,
      (s) => s === status,
      { timeoutMs, intervalMs: 100, what: `${name} to be ${status}` },
    );
  }

  /**
   * A new browser context on `path`, signed in with `token` (the admin's by default; null for
   * none) the way the console keeps it: in localStorage, so no test but the login test types a
   * password.
   */
  async open(
    path = '/',
    token: string | null = this.t.adminToken,
    viewport: { width: number; height: number } = { width: 1440, height: 900 },
  ): Promise<WatchedPage> {
    const watched = await openPage(this.browser, this.baseUrl, viewport);
    this.pages.push(watched);
    if (token !== null) {
      // Runs in the page (this file is type-checked without the DOM library).
      await watched.context.addInitScript((value) => {
        type KV = { getItem(k: string): string | null; setItem(k: string, v: string): void };
        const page = globalThis as unknown as { localStorage: KV; sessionStorage: KV };
        if (!page.sessionStorage.getItem('omni2.test.seeded')) {
          page.localStorage.setItem('omni2.token', value);
          page.sessionStorage.setItem('omni2.test.seeded', '1');
        }
      }, token);
    }
    await watched.page.goto(path);
    return watched;
  }

  async close(): Promise<void> {
    for (const p of this.pages) await p.context.close().catch(() => undefined);
    await this.browser.close().catch(() => undefined);
    await this.t.close();
    for (const s of this.servers.values()) await s.upstream.stop().catch(() => undefined);
  }
}
