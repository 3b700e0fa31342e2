import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Behaviour, type CallRecord, makeBehaviour } from './behaviour';
import { assertExtraToolNames } from './tools';

/** What bin/stdio-server.cjs re-reads on every request. */
export interface StdioControl {
  name: string;
  behaviour: Behaviour;
  extraTools: string[];
}

export interface StdioMcpServerHandle {
  /** process.execPath */
  readonly command: string;
  /** [absolute path of bin/stdio-server.cjs] */
  readonly args: string[];
  /**
   * TESTKIT_CONTROL_FILE, TESTKIT_CALLS_FILE and TESTKIT_NOTIFICATIONS_FILE: absolute paths in
   * a fresh temp dir.
   */
  readonly env: Record<string, string>;
  /** Rewrites the control file; the child obeys from its next request. */
  setBehaviour(patch: Partial<Behaviour>): void;
  /** Every JSON-RPC request the child received, in order. */
  calls(): CallRecord[];
  /** Every JSON-RPC notification the child received (`notifications/cancelled` with its id). */
  notifications(): CallRecord[];
  /** The child notices on its next request or within 200 ms and sends tools/list_changed. */
  setExtraTools(names: string[]): void;
  /** Removes the temp dir. */
  cleanup(): Promise<void>;
}

export const STDIO_SERVER_SCRIPT = resolve(__dirname, '..', 'bin', 'stdio-server.cjs');
/** The SDK v2 server (2026-07-28; `dual` also serves 2025 openings). */
export const MODERN_STDIO_SERVER_SCRIPT = resolve(
  __dirname,
  '..',
  'bin',
  'modern-stdio-server.cjs',
);

/** `legacy`: the SDK v1 server (2025 revisions); `modern` / `dual`: the SDK v2 server. */
export type StdioEra = 'legacy' | 'modern' | 'dual';

/**
 * Prepares the files a stdio test server is controlled through. The caller (the gateway)
 * spawns the child itself from command/args/env.
 */
export function prepareStdioMcpServer(
  options: { behaviour?: Partial<Behaviour>; name?: string; era?: StdioEra } = {},
): StdioMcpServerHandle {
  const era = options.era ?? 'legacy';
  const dir = mkdtempSync(join(tmpdir(), 'testkit-stdio-'));
  const controlFile = join(dir, 'control.json');
  const callsFile = join(dir, 'calls.jsonl');
  const notificationsFile = join(dir, 'notifications.jsonl');
  const control: StdioControl = {
    name: options.name ?? 'testkit',
    behaviour: makeBehaviour(options.behaviour),
    extraTools: [],
  };
  writeControlFile(controlFile, control);
  writeFileSync(callsFile, '');
  writeFileSync(notificationsFile, '');

  return {
    command: process.execPath,
    args: [era === 'legacy' ? STDIO_SERVER_SCRIPT : MODERN_STDIO_SERVER_SCRIPT],
    env: {
      TESTKIT_CONTROL_FILE: controlFile,
      TESTKIT_CALLS_FILE: callsFile,
      TESTKIT_NOTIFICATIONS_FILE: notificationsFile,
      ...(era === 'legacy' ? {} : { TESTKIT_ERA: era }),
    },
    setBehaviour(patch) {
      control.behaviour = { ...control.behaviour, ...patch };
      writeControlFile(controlFile, control);
    },
    calls: () => readCallsFile(callsFile),
    notifications: () => readCallsFile(notificationsFile),
    setExtraTools(names) {
      assertExtraToolNames(names);
      control.extraTools = [...names];
      writeControlFile(controlFile, control);
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Atomic (temp + rename) so that the child never reads a half-written file. */
export function writeControlFile(path: string, control: StdioControl): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(control));
  renameSync(temp, path);
}

export function readCallsFile(path: string): CallRecord[] {
  const records: CallRecord[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as CallRecord);
    } catch {
      // A line the child is still appending; it will be complete on the next read.
    }
  }
  return records;
}
