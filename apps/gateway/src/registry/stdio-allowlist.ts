import { isAbsolute, resolve } from 'node:path';
import { Injectable } from '@nestjs/common';
import which from 'which';
import { DomainError } from '../common/domain-error';
import { AppEnv } from '../config/env.schema';
import { ProcessExitedError } from '../connections/error-classifier';

export class StdioCommandRefusedError extends ProcessExitedError {}

/**
 * Variables that choose what code a process loads or runs rather than configuring it: the
 * dynamic loader's, interpreters' startup options and module paths, package runners' settings
 * (npx, uvx, pip: registries, config files, interpreters), shell startup hooks, helper programs
 * some tools launch (BROWSER, GIT_SSH_COMMAND), where configuration files are read from (HOME,
 * XDG_*), and PATH itself (a `#!/usr/bin/env node` script such as npx finds its interpreter
 * through it). A stdio server may set anything else.
 */
const LOADER_VARIABLES = new Set([
  'PATH',
  'HOME',
  'SHELL',
  'BASH_ENV',
  'ENV',
  'SHELLOPTS',
  'BASHOPTS',
  'PS4',
  'PROMPT_COMMAND',
  'IFS',
  'BROWSER',
  'EDITOR',
  'VISUAL',
  'PAGER',
  'GCONV_PATH',
  'NODE_OPTIONS',
  'NODE_PATH',
  'NODE_REPL_EXTERNAL_MODULE',
  'PERL5LIB',
  'PERL5OPT',
  'PERLLIB',
  'RUBYLIB',
  'RUBYOPT',
  'JAVA_TOOL_OPTIONS',
  '_JAVA_OPTIONS',
  'JDK_JAVA_OPTIONS',
  'CLASSPATH',
]);
const LOADER_PREFIXES = /^(LD_|DYLD_|NPM_CONFIG_|PYTHON|UV_|PIP_|XDG_|GIT_|BUN_|DENO_|COREPACK_)/i;

export function isLoaderVariable(name: string): boolean {
  return LOADER_VARIABLES.has(name.toUpperCase()) || LOADER_PREFIXES.test(name);
}

/**
 * stdio servers run a command on omni2's host, so only commands named in OMNI2_STDIO_ALLOWLIST
 * (exactly as written there) may run, resolved to an absolute path with omni2's own PATH (the
 * server's env cannot point a name at another binary), and never with variables that change what
 * the process loads. Checked when a server is saved and again before each start, so a row edited
 * in the database or an allowlist narrowed later is still enforced. What this guarantees is the
 * binary: an allowed interpreter or package runner (node, python, npx, uvx) still runs what its
 * arguments name, so the allowlist is no sandbox, and creating stdio servers is admin-only.
 */
@Injectable()
export class StdioAllowlist {
  private readonly allowed: ReadonlySet<string>;
  private readonly resolved = new Map<string, string>();

  constructor(env: AppEnv) {
    this.allowed = new Set(env.values.OMNI2_STDIO_ALLOWLIST);
  }

  /** The allowed commands, exactly as OMNI2_STDIO_ALLOWLIST names them. */
  commands(): string[] {
    return [...this.allowed];
  }

  /** For input validation: a 400 naming `command`. */
  assertAllowed(command: string): void {
    const problem = this.problem(command);
    if (problem) throw DomainError.validation([{ field: 'command', message: problem }]);
  }

  /** For input validation: a 400 naming each refused `env` variable. */
  assertSafeEnv(env: Record<string, unknown>): void {
    const loaders = Object.keys(env).filter(isLoaderVariable);
    if (loaders.length > 0) {
      throw DomainError.validation(
        loaders.map((name) => ({
          field: `env.${name}`,
          message: 'is refused: it changes what the process loads (see OMNI2_STDIO_ALLOWLIST)',
        })),
      );
    }
  }

  /**
   * Before spawning: the absolute path to run, or an error the health check reports as a
   * process failure.
   */
  runnable(command: string, env: Record<string, unknown>): string {
    const problem = this.problem(command);
    if (problem) throw new StdioCommandRefusedError(`command ${problem}`);
    const loaders = Object.keys(env).filter(isLoaderVariable);
    if (loaders.length > 0) {
      throw new StdioCommandRefusedError(
        `env ${loaders.join(', ')} refused: it changes what the process loads`,
      );
    }
    return this.resolve(command);
  }

  /** An allowlisted name as omni2's PATH finds it; a path as written, made absolute. */
  private resolve(command: string): string {
    const known = this.resolved.get(command);
    if (known) return known;
    const path =
      command.includes('/') || isAbsolute(command)
        ? resolve(command)
        : which.sync(command, { nothrow: true });
    if (path === null) {
      throw new StdioCommandRefusedError(`command "${command}" is not on omni2's PATH`);
    }
    this.resolved.set(command, path);
    return path;
  }

  private problem(command: string): string | null {
    if (this.allowed.size === 0) {
      return 'is refused: stdio servers are off (set OMNI2_STDIO_ALLOWLIST to the commands they may run)';
    }
    if (!this.allowed.has(command)) {
      return `"${command}" is not in OMNI2_STDIO_ALLOWLIST (${[...this.allowed].join(', ')})`;
    }
    return null;
  }
}
