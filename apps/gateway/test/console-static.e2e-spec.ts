import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, type INestApplication, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { findConsoleDir, registerConsoleStatic } from '../src/console-static/console-static';

@Controller('things')
class ThingsController {
  @Get()
  list() {
    return { items: [] };
  }

  @Post()
  create() {
    return { ok: true };
  }
}

@Module({ controllers: [ThingsController] })
class TinyModule {}

/** The console is served next to the API: files, deep links, and nothing that shadows the API. */
describe('console static serving (e2e)', () => {
  let dir: string;
  let app: INestApplication;
  let base: string;

  const start = async (consoleDir: string | null) => {
    const nest = await NestFactory.create(TinyModule, { logger: false });
    nest.setGlobalPrefix('api/v1', { exclude: ['health/live', 'metrics'] });
    registerConsoleStatic(nest, consoleDir);
    await nest.listen(0, '127.0.0.1');
    const port = ((nest.getHttpServer() as Server).address() as AddressInfo).port;
    return { nest, base: `http://127.0.0.1:${port}` };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'omni2-console-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(dir, 'main-ABCDEFGH.js'), 'console.log(1)');
    mkdirSync(join(dir, 'media'));
    writeFileSync(join(dir, 'media', 'logo.svg'), '<svg/>');
    ({ nest: app, base } = await start(dir));
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers / and deep links with index.html, uncached', async () => {
    for (const path of ['/', '/servers', '/servers/github', '/iam?tab=keys']) {
      const res = await fetch(base + path);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<title>console</title>');
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('serves built files, hashed ones cached for good', async () => {
    const js = await fetch(`${base}/main-ABCDEFGH.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${base}/media/logo.svg`)).status).toBe(200);
  });

  it('answers 404 for a missing file rather than the app', async () => {
    expect((await fetch(`${base}/missing-12345678.js`)).status).toBe(404);
  });

  it('never shadows the API, probes, metrics or the socket path', async () => {
    const api = await fetch(`${base}/api/v1/things`);
    expect(await api.json()).toEqual({ items: [] });
    const post = await fetch(`${base}/api/v1/things`, { method: 'POST' });
    expect(await post.json()).toEqual({ ok: true });
    for (const path of ['/api/v1/nope', '/health/live', '/metrics', '/socket.io/?EIO=4']) {
      const res = await fetch(base + path);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('<title>console</title>');
    }
  });

  it('starts without a built console, API intact', async () => {
    const bare = await start(null);
    try {
      expect((await fetch(`${bare.base}/api/v1/things`)).status).toBe(200);
      expect((await fetch(`${bare.base}/servers`)).status).toBe(404);
    } finally {
      await bare.nest.close();
    }
  });

  it('finds the build next to the compiled gateway and from the sources', () => {
    const tree = mkdtempSync(join(tmpdir(), 'omni2-tree-'));
    try {
      const browser = join(tree, 'dist', 'console', 'browser');
      mkdirSync(browser, { recursive: true });
      writeFileSync(join(browser, 'index.html'), '');
      const compiled = join(tree, 'dist', 'apps', 'gateway', 'src', 'console-static');
      const source = join(tree, 'apps', 'gateway', 'src', 'console-static');
      mkdirSync(compiled, { recursive: true });
      mkdirSync(source, { recursive: true });
      expect(findConsoleDir(compiled)).toBe(browser);
      expect(findConsoleDir(source)).toBe(browser);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});
