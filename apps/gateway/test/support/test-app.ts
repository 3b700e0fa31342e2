import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { AppEnv, parseEnv } from '../../src/config/env.schema';
import { createHttpApp } from '../../src/http-app';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  text: string;
}

export interface TestApp {
  app: INestApplication;
  baseUrl: string;
  db: TestDatabase;
  api<T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

/** The whole gateway over real HTTP on a fresh database: what e2e tests drive. */
export async function startTestApp(envOverrides: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const env = new AppEnv(
    parseEnv({
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DATABASE_URL: db.url,
      ...envOverrides,
    }),
  );
  const app = await createHttpApp({ env, databaseUrl: db.url });
  await app.listen(0, '127.0.0.1');
  const address = (app.getHttpServer() as Server).address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const api = async <T>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, text };
  };
  return {
    app,
    baseUrl,
    db,
    api,
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
