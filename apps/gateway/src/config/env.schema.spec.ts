import { EnvValidationError, parseEnv } from './env.schema';

describe('parseEnv', () => {
  it('applies the SPEC defaults to an empty environment', () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.OMNI2_DATA_DIR).toBe('./data');
    expect(env.OMNI2_STDIO_ALLOWLIST).toEqual([]);
  });

  it('treats empty strings as unset and splits the allowlist', () => {
    const env = parseEnv({ DATABASE_URL: '', OMNI2_STDIO_ALLOWLIST: 'node, npx ,,uvx' });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.OMNI2_STDIO_ALLOWLIST).toEqual(['node', 'npx', 'uvx']);
  });

  it('lists every bad key in one error', () => {
    let error: unknown;
    try {
      parseEnv({ PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvValidationError);
    const problems = (error as EnvValidationError).problems.join('\n');
    expect(problems).toMatch(/^PORT:/m);
    expect(problems).toMatch(/^DATABASE_URL:/m);
    expect(problems).toMatch(/^LOG_LEVEL:/m);
  });

  it('requires the production secrets when NODE_ENV=production', () => {
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(
      /DATABASE_URL: is required[\s\S]*JWT_SECRET: is required[\s\S]*OMNI2_ENCRYPTION_KEY: is required/,
    );
  });
});

describe('operations settings', () => {
  it('takes a metrics token only if it is long and has no spaces', () => {
    expect(parseEnv({}).OMNI2_METRICS_TOKEN).toBeUndefined();
    expect(parseEnv({ OMNI2_METRICS_TOKEN: 'a'.repeat(16) }).OMNI2_METRICS_TOKEN).toBe(
      'a'.repeat(16),
    );
    expect(() => parseEnv({ OMNI2_METRICS_TOKEN: 'short' })).toThrow(/OMNI2_METRICS_TOKEN/);
    expect(() => parseEnv({ OMNI2_METRICS_TOKEN: 'with a space in it' })).toThrow(/spaces/);
  });

  it('keeps the drain inside the shutdown bound', () => {
    expect(parseEnv({}).OMNI2_SHUTDOWN_TIMEOUT_MS).toBe(20_000);
    expect(() =>
      parseEnv({ OMNI2_SHUTDOWN_DRAIN_MS: '5000', OMNI2_SHUTDOWN_TIMEOUT_MS: '5000' }),
    ).toThrow(/OMNI2_SHUTDOWN_DRAIN_MS: must be less than OMNI2_SHUTDOWN_TIMEOUT_MS/);
  });
});
