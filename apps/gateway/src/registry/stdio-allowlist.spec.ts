import { isAbsolute } from 'node:path';
import { AppEnv, parseEnv } from '../config/env.schema';
import { StdioAllowlist, StdioCommandRefusedError, isLoaderVariable } from './stdio-allowlist';

const allowlist = (list: string) =>
  new StdioAllowlist(new AppEnv(parseEnv({ OMNI2_STDIO_ALLOWLIST: list })));

describe('StdioAllowlist', () => {
  it("resolves an allowed name with omni2's PATH, not the server's", () => {
    const path = allowlist('node').runnable('node', { API_TOKEN: 'x' });
    expect(isAbsolute(path)).toBe(true);
    expect(path).toMatch(/\/node$/);
  });

  it('runs an allowed path as written, and refuses what is not allowed or not found', () => {
    expect(allowlist(process.execPath).runnable(process.execPath, {})).toBe(process.execPath);
    expect(() => allowlist('node').runnable('/bin/sh', {})).toThrow(StdioCommandRefusedError);
    expect(() => allowlist('no-such-command-x').runnable('no-such-command-x', {})).toThrow(
      /not on omni2's PATH/,
    );
  });

  it('refuses loader variables by name, whatever their case for prefixes', () => {
    for (const name of [
      'PATH',
      'LD_PRELOAD',
      'ld_audit',
      'NODE_OPTIONS',
      'PYTHONPATH',
      'BASH_ENV',
    ]) {
      expect([name, isLoaderVariable(name)]).toEqual([name, true]);
    }
    for (const name of [
      'API_TOKEN',
      'HOME_DIR',
      'NODE_ENV',
      'LOG_LEVEL',
      'PATHNAME',
      'GITHUB_TOKEN',
    ]) {
      expect([name, isLoaderVariable(name)]).toEqual([name, false]);
    }
    expect(() => allowlist('node').runnable('node', { LD_PRELOAD: '/x.so' })).toThrow(
      /env LD_PRELOAD refused/,
    );
  });
});
