import { createHmac } from 'node:crypto';
import { Client } from 'pg';
import { pollUntil } from './support/poll';
import { TEST_JWT_SECRET } from './support/secrets';
import { TEST_ADMIN, TEST_USER_PASSWORD, startTestApp, type TestApp } from './support/test-app';

const b64 = (v: object | string) =>
  Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** A token made by hand, to try what an attacker would: other algorithms, secrets, claims. */
function forge(header: object, claims: object, secret = TEST_JWT_SECRET): string {
  const body = `${b64(header)}.${b64(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

describe('authentication: tokens, API keys, users (e2e)', () => {
  let t: TestApp;
  let pg: Client;

  beforeAll(async () => {
    t = await startTestApp();
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg.end();
    await t.close();
  });

  const me = (token: string | null) => t.api('GET', '/api/v1/auth/me', undefined, { token });
  const adminId = async () => (await me(t.adminToken)).body.id as string;

  it('logs in with a password and returns a 30-minute bearer token', async () => {
    const res = await t.api('POST', '/api/v1/auth/login', TEST_ADMIN, { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      token_type: 'Bearer',
      expires_in: 1800,
    });
    const who = await me(res.body.access_token);
    expect(who.body).toMatchObject({ name: 'admin', role: 'admin', kind: 'user' });
    const expiresIn = Date.parse(who.body.expires_at) - Date.now();
    expect(expiresIn).toBeGreaterThan(1790_000);
    expect(expiresIn).toBeLessThanOrEqual(1800_000);
  });

  it('refuses a wrong password and an unknown user with the same answer', async () => {
    const wrong = await t.api(
      'POST',
      '/api/v1/auth/login',
      { ...TEST_ADMIN, password: 'nope' },
      { token: null },
    );
    const unknown = await t.api(
      'POST',
      '/api/v1/auth/login',
      { username: 'ghost', password: 'nope' },
      { token: null },
    );
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.code).toBe('UNAUTHENTICATED');
  });

  it('names the missing login fields', async () => {
    const res = await t.api('POST', '/api/v1/auth/login', { username: 'admin' }, { token: null });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'password', message: 'is required' }]);
  });

  it('refuses requests without a credential, and with a malformed one', async () => {
    expect((await me(null)).body).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
    expect((await me('garbage')).status).toBe(401);
    const raw = await t.api('GET', '/api/v1/auth/me', undefined, {
      token: null,
      headers: { authorization: 'Basic YWRtaW46eA==' },
    });
    expect(raw.status).toBe(401);
  });

  it('refuses tampered, unsigned, foreign and expired tokens', async () => {
    const [header, payload, signature] = t.adminToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const now = Math.floor(Date.now() / 1000);

    const tampered = `${header}.${b64({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })}.${signature}`;
    expect((await me(tampered)).body.message).toMatch(/invalid access token \(signature\)/);

    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    expect((await me(unsigned)).body.message).toMatch(/invalid access token \(algorithm\)/);

    const otherAlg = forge({ alg: 'HS512', typ: 'JWT' }, claims);
    expect((await me(otherAlg)).body.message).toMatch(/\(algorithm\)/);

    const foreign = forge(
      { alg: 'HS256', typ: 'JWT' },
      claims,
      'another-secret-that-is-long-enough!!',
    );
    expect((await me(foreign)).body.message).toMatch(/\(signature\)/);

    const expired = forge(
      { alg: 'HS256', typ: 'JWT' },
      { ...claims, iat: now - 3600, iat_ms: (now - 3600) * 1000, exp: now - 1 },
    );
    const res = await me(expired);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('SESSION_EXPIRED');

    // The same forging path with valid claims works, so the refusals above are about the change.
    expect((await me(forge({ alg: 'HS256', typ: 'JWT' }, claims))).status).toBe(200);
  });

  it('creates users with roles and never returns password hashes', async () => {
    const created = await t.api('POST', '/api/v1/users', {
      username: 'carol',
      password: TEST_USER_PASSWORD,
      role: 'viewer',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: 'carol', role: 'viewer', disabled: false });
    expect(created.text).not.toMatch(/scrypt|password/);
    const dup = await t.api('POST', '/api/v1/users', {
      username: 'CAROL',
      password: TEST_USER_PASSWORD,
      role: 'viewer',
    });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('USERNAME_TAKEN');
    const weak = await t.api('POST', '/api/v1/users', {
      username: 'dave',
      password: 'short',
      role: 'root',
    });
    expect(weak.status).toBe(400);
    expect(weak.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'password',
      'role',
    ]);
    const list = await t.api('GET', '/api/v1/users');
    expect(list.body.map((u: { username: string }) => u.username)).toEqual(['admin', 'carol']);
    expect(list.text).not.toMatch(/scrypt/);
  });

  it('a password change ends the other sessions and hands back a fresh token', async () => {
    const first = await t.login('carol', TEST_USER_PASSWORD);
    const second = await t.login('carol', TEST_USER_PASSWORD);
    const wrong = await t.api(
      'POST',
      '/api/v1/auth/password',
      { current_password: 'not it at all', new_password: 'brand-new-password-1' },
      { token: first },
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([{ field: 'current_password', message: 'is wrong' }]);
    const changed = await t.api(
      'POST',
      '/api/v1/auth/password',
      { current_password: TEST_USER_PASSWORD, new_password: 'brand-new-password-1' },
      { token: first },
    );
    expect(changed.status).toBe(200);
    expect((await me(first)).body.code).toBe('SESSION_EXPIRED');
    expect((await me(second)).body.code).toBe('SESSION_EXPIRED');
    expect((await me(changed.body.access_token)).status).toBe(200);
    expect(
      (
        await t.api(
          'POST',
          '/api/v1/auth/login',
          { username: 'carol', password: TEST_USER_PASSWORD },
          { token: null },
        )
      ).status,
    ).toBe(401);
    expect(await t.login('carol', 'brand-new-password-1')).toBeTruthy();
  });

  it('disabling a user ends their sessions at once and refuses their logins', async () => {
    const token = await t.login('carol', 'brand-new-password-1');
    const carol = (await t.api('GET', '/api/v1/users')).body.find(
      (u: { username: string }) => u.username === 'carol',
    );
    expect((await t.api('PATCH', `/api/v1/users/${carol.id}`, { disabled: true })).status).toBe(
      200,
    );
    expect((await me(token)).status).toBe(401);
    const login = await t.api(
      'POST',
      '/api/v1/auth/login',
      { username: 'carol', password: 'brand-new-password-1' },
      { token: null },
    );
    expect(login.status).toBe(401);
    expect(
      (await t.api('PATCH', `/api/v1/users/${carol.id}`, { disabled: false, role: 'operator' }))
        .body,
    ).toMatchObject({
      disabled: false,
      role: 'operator',
    });
    const back = await t.login('carol', 'brand-new-password-1');
    expect((await me(back)).body.role).toBe('operator');
  });

  it('keeps at least one active admin', async () => {
    const id = await adminId();
    const demote = await t.api('PATCH', `/api/v1/users/${id}`, { role: 'viewer' });
    expect(demote.status).toBe(400);
    expect(demote.body.errors[0]).toEqual({
      field: 'role',
      message: 'the last active admin cannot be demoted, disabled or deleted',
    });
    expect((await t.api('DELETE', `/api/v1/users/${id}`)).status).toBe(400);
    expect((await t.api('PATCH', `/api/v1/users/${id}`, { disabled: true })).status).toBe(400);
    expect((await me(t.adminToken)).body.role).toBe('admin');
    expect((await t.api('PATCH', '/api/v1/users/not-a-uuid', { role: 'viewer' })).status).toBe(404);
  });

  it('API keys: shown once, stored hashed, recognisable, revocable', async () => {
    const created = await t.api('POST', '/api/v1/api-keys', { name: 'ci robot', role: 'operator' });
    expect(created.status).toBe(201);
    const { key, prefix, id } = created.body;
    expect(key).toMatch(/^omni2_[\w-]{43}$/);
    expect(key.startsWith(prefix)).toBe(true);
    expect(prefix.length).toBeLessThan(key.length / 2);

    const list = await t.api('GET', '/api/v1/api-keys');
    expect(list.text).not.toContain(key);
    expect(list.body[0]).toMatchObject({
      id,
      name: 'ci robot',
      role: 'operator',
      revoked_at: null,
    });
    const stored = await pg.query('SELECT key_hash FROM omni2.api_keys WHERE id = $1', [id]);
    expect(stored.rows[0].key_hash).not.toContain(key.slice(6));

    expect((await me(key)).body).toMatchObject({
      name: 'ci robot',
      role: 'operator',
      kind: 'api_key',
    });
    await pollUntil(
      async () => (await t.api('GET', '/api/v1/api-keys')).body[0].last_used_at,
      (v) => v !== null,
      { what: 'last_used_at recorded' },
    );
    expect((await me(`${key}x`)).status).toBe(401);

    expect((await t.api('DELETE', `/api/v1/api-keys/${id}`)).body.revoked_at).not.toBeNull();
    const revoked = await me(key);
    expect(revoked.status).toBe(401);
    expect(revoked.body.message).toMatch(/unknown or revoked API key/);
  });

  it('an expired API key stops working (within the credential cache bound)', async () => {
    const created = await t.api('POST', '/api/v1/api-keys', {
      name: 'short',
      role: 'viewer',
      expires_in_days: 1,
    });
    expect((await me(created.body.key)).status).toBe(200);
    await pg.query(
      `UPDATE omni2.api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [created.body.id],
    );
    const res = await pollUntil(
      () => me(created.body.key),
      (r) => r.status === 401,
      {
        timeoutMs: 8_000,
        intervalMs: 200,
        what: 'expired key refused',
      },
    );
    expect(res.body.code).toBe('SESSION_EXPIRED');
  });
});
