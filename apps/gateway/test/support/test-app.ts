import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { Role } from '@omni2/contracts';
import { AppEnv, parseEnv } from '../../src/config/env.schema';
import { createHttpApp } from '../../src/http-app';
import { TEST_ENCRYPTION_KEY, TEST_JWT_SECRET } from './secrets';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export interface ApiOptions {
  /** Bearer credential; default the admin's token; null sends none. */
  token?: string | null;
  headers?: Record<string, string>;
}

export interface TestApp {
  app: INestApplication;
  baseUrl: string;
  db: TestDatabase;
  /** The bootstrap admin's access token. */
  adminToken: string;
  api<T = any>(
    method: string,
    path: string,
    body?: unknown,
    options?: ApiOptions,
  ): Promise<ApiResponse<T>>;
  /** Replaces a runtime setting as the admin; fails the test unless it is accepted. */
  putConfig(key: string, value: unknown): Promise<void>;
  login(username: string, password: string): Promise<string>;
  /** A token for a user of that role, created on first use. */
  tokenFor(role: Role): Promise<string>;
  close(): Promise<void>;
}

export const TEST_ADMIN = { username: 'admin', password: 'admin-password-for-tests' };
export const TEST_USER_PASSWORD = 'user-password-for-tests';

/** Instance settings every test gateway shares: fixed secrets, a known admin, node allowed. */
export function testEnv(): Record<string, string> {
  return {
    JWT_SECRET: TEST_JWT_SECRET,
    OMNI2_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    OMNI2_ADMIN_USER: TEST_ADMIN.username,
    OMNI2_ADMIN_PASSWORD: TEST_ADMIN.password,
    OMNI2_STDIO_ALLOWLIST: `${process.execPath},node`,
  };
}

/** One HTTP call to an omni2 API with a bearer credential, parsing JSON when it is JSON. */
export async function callApi<T>(
  baseUrl: string,
  method: string,
  path: string,
  body: unknown,
  token: string | null,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T, text, headers: res.headers };
}

export async function loginAt(baseUrl: string, username: string, password: string) {
  const res = await callApi<{ access_token: string }>(
    baseUrl,
    'POST',
    '/api/v1/auth/login',
    { username, password },
    null,
  );
  if (res.status !== 200) throw new Error(`login as ${username}: ${res.status} ${res.text}`);
  return res.body.access_token;
}

/**
 * The whole gateway over real HTTP on a fresh database: what e2e tests drive. Pass `database` to
 * start another replica on the same one (the first app's close drops it).
 */
export async function startTestApp(
  envOverrides: Record<string, string> = {},
  { database }: { database?: TestDatabase } = {},
): Promise<TestApp> {
  const db = database ?? (await createTestDatabase());
  const env = new AppEnv(
    parseEnv({
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DATABASE_URL: db.url,
      ...testEnv(),
      ...envOverrides,
    }),
  );
  const app = await createHttpApp({ env, databaseUrl: db.url });
  await app.listen(0, '127.0.0.1');
  const address = (app.getHttpServer() as Server).address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const adminToken = await loginAt(baseUrl, TEST_ADMIN.username, TEST_ADMIN.password);
  const roleTokens = new Map<Role, Promise<string>>();
  const api = <T>(method: string, path: string, body?: unknown, options: ApiOptions = {}) =>
    callApi<T>(
      baseUrl,
      method,
      path,
      body,
      options.token === undefined ? adminToken : options.token,
      options.headers,
    );
  const tokenFor = (role: Role): Promise<string> => {
    let token = roleTokens.get(role);
    if (!token) {
      const username = `${role}-user`;
      token = api('POST', '/api/v1/users', { username, password: TEST_USER_PASSWORD, role }).then(
        (res) => {
          if (res.status !== 201) throw new Error(`create ${username}: ${res.status} ${res.text}`);
          return loginAt(baseUrl, username, TEST_USER_PASSWORD);
        },
      );
      roleTokens.set(role, token);
    }
    return token;
  };
  return {
    app,
    baseUrl,
    db,
    adminToken,
    api,
    putConfig: async (key, value) => {
      expect((await api('PUT', `/api/v1/config/${key}`, value)).status).toBe(200);
    },
    login: (username, password) => loginAt(baseUrl, username, password),
    tokenFor,
    close: async () => {
      await app.close();
      if (!database) await db.drop();
    },
  };
}
