import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { AppEnv } from '../config/env.schema';
import { ProcessExitedError } from '../connections/error-classifier';

export class StdioCommandRefusedError extends ProcessExitedError {}

/**
 * stdio servers run a command on omni2's host, so only commands named in OMNI2_STDIO_ALLOWLIST
 * (exactly as written there) may run. Checked when a server is saved and again before each
 * start, so a row edited in the database or an allowlist narrowed later is still enforced.
 */
@Injectable()
export class StdioAllowlist {
  private readonly allowed: ReadonlySet<string>;

  constructor(env: AppEnv) {
    this.allowed = new Set(env.values.OMNI2_STDIO_ALLOWLIST);
  }

  /** For input validation: a 400 naming `command`. */
  assertAllowed(command: string): void {
    const problem = this.problem(command);
    if (problem) throw DomainError.validation([{ field: 'command', message: problem }]);
  }

  /** Before spawning: an error the health check reports as a process failure. */
  assertRunnable(command: string): void {
    const problem = this.problem(command);
    if (problem) throw new StdioCommandRefusedError(`command ${problem}`);
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
