import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type {
  ConnectionTestResult,
  ConnectionTestStage,
  ErrorKind,
  ProbeMethod,
  ProtocolEra,
} from '@omni2/contracts';
import { DomainError } from '../common/domain-error';
import { storableText } from '../common/text-safety';
import { AppEnv } from '../config/env.schema';
import type { ConnectionTarget } from '../connections/connection-target';
import { withDeadline } from '../connections/deadline';
import { classifyError } from '../connections/error-classifier';
import type { McpSession, SessionHooks } from '../connections/mcp-session';
import { scrubSecrets, secretsOf } from '../connections/secret-scrub';
import { openSession } from '../connections/session-factory';
import { RegistryService } from '../registry/registry.service';

/** Tests running at once on one replica; more get a 429 (each may start a process). */
export const MAX_CONCURRENT_TESTS = 8;
/** Closing a test's session may take this long before the answer goes out without waiting. */
const CLOSE_WAIT_MS = 3_000;
const TOOL_NAMES_SHOWN = 100;

/** The session callbacks of a throwaway session: nothing to keep, nothing to announce. */
const QUIET_HOOKS: SessionHooks = {
  onClosed: () => undefined,
  onListChanged: () => undefined,
};

/**
 * "Test connection" (issue 18): a create body run through the same validation, the same session
 * code as real checks (era negotiation, ping, lists), on a session of its own that is closed
 * before the answer, within the body's timeout_seconds. Nothing is saved, published, or counted
 * by the breaker; the answer and the log carry no secret of the body.
 */
@Injectable()
export class ConnectionTestService {
  private readonly log = new Logger('health');
  private running = 0;

  constructor(
    private readonly registry: RegistryService,
    private readonly env: AppEnv,
  ) {}

  async test(body: unknown): Promise<ConnectionTestResult> {
    const def = this.registry.definitionToCreate(body);
    if (this.running >= MAX_CONCURRENT_TESTS) {
      throw new DomainError(
        'RATE_LIMITED',
        `at most ${MAX_CONCURRENT_TESTS} connection tests run at once; try again shortly`,
      );
    }
    this.running++;
    try {
      return await this.run(def.name, def.protocol, def.timeout_seconds * 1_000, () =>
        this.registry.draftTarget(def, `connection-test:${randomUUID()}`),
      );
    } finally {
      this.running--;
    }
  }

  private async run(
    name: string,
    protocol: ConnectionTarget['protocol'],
    budgetMs: number,
    buildTarget: () => ConnectionTarget,
  ): Promise<ConnectionTestResult> {
    const started = performance.now();
    const deadline = started + budgetMs;
    const left = () => Math.max(1, Math.floor(deadline - performance.now()));
    const found = new Found();
    let secrets: string[] = [];
    let stage: ConnectionTestStage = 'connect';
    let opening: Promise<McpSession> | null = null;
    try {
      const target = buildTarget();
      secrets = secretsOf(target);
      opening = openSession(
        target,
        left(),
        QUIET_HOOKS,
        this.env.values.OMNI2_STREAMABLE_HTTP_CLIENT,
      );
      // open() is bounded by its own timeout; this bound only guards against one that is not.
      const session = await withDeadline(opening, left() + 1_000, 'connect');
      found.session(session, secrets);

      stage = 'ping';
      const pingStarted = performance.now();
      found.probe = await session.ping(left());
      found.responseTimeMs = round(performance.now() - pingStarted);

      stage = 'list';
      const lists = await session.listCapabilities(left());
      found.lists(lists.tools, lists.prompts.length, lists.resources.length, secrets);
      if (lists.server_info && !found.serverInfo) {
        found.serverInfo = safeInfo(lists.server_info, secrets);
      }
      stage = 'done';
      return found.result(true, stage, null, null, started);
    } catch (error) {
      const { kind, message } = classifyError(error, protocol, secrets);
      const failed = stage === 'connect' ? openStage(kind) : stage;
      this.log.debug(`connection test of "${name}" failed at ${failed}: ${kind}`);
      return found.result(false, failed, kind, message, started);
    } finally {
      if (opening) await closeWhenOpen(opening);
    }
  }
}

/** A failure while the session opened: nothing answered, or something answered wrongly. */
function openStage(kind: ErrorKind): ConnectionTestStage {
  return kind === 'unreachable' || kind === 'process_exit' ? 'connect' : 'handshake';
}

/**
 * Closes the session once it has opened (at once if it has), and waits a bounded time for the
 * close: a stdio child is ended before the answer goes out unless it ignores its stdin and
 * SIGTERM, and then the close goes on in the background (shutdown waits for session ends).
 */
async function closeWhenOpen(opening: Promise<McpSession>): Promise<void> {
  const closing = opening.then(
    (session) => session.close(),
    () => undefined,
  );
  await withDeadline(closing, CLOSE_WAIT_MS, 'close').catch(() => undefined);
}

/** What the stages found, fit for the answer: upstream texts made storable and scrubbed. */
class Found {
  era: ProtocolEra | null = null;
  version: string | null = null;
  serverInfo: { name: string; version: string } | null = null;
  probe: ProbeMethod | null = null;
  responseTimeMs: number | null = null;
  tools: number | null = null;
  prompts: number | null = null;
  resources: number | null = null;
  toolNames: string[] = [];

  session(session: McpSession, secrets: readonly string[]): void {
    this.era = session.era;
    this.version =
      session.protocolVersion === null ? null : clean(session.protocolVersion, secrets, 64);
    this.serverInfo = session.serverInfo ? safeInfo(session.serverInfo, secrets) : null;
  }

  lists(
    tools: readonly { name: string }[],
    prompts: number,
    resources: number,
    secrets: readonly string[],
  ): void {
    this.tools = tools.length;
    this.prompts = prompts;
    this.resources = resources;
    this.toolNames = tools.slice(0, TOOL_NAMES_SHOWN).map((t) => clean(t.name, secrets, 200));
  }

  result(
    ok: boolean,
    stage: ConnectionTestStage,
    kind: ErrorKind | null,
    error: string | null,
    started: number,
  ): ConnectionTestResult {
    return {
      ok,
      stage,
      error_kind: kind,
      error,
      protocol_era: this.era,
      protocol_version: this.version,
      server_info: this.serverInfo,
      probe: this.probe,
      tools: this.tools,
      prompts: this.prompts,
      resources: this.resources,
      tool_names: this.toolNames,
      response_time_ms: this.responseTimeMs,
      duration_ms: round(performance.now() - started),
    };
  }
}

function safeInfo(
  info: { name: string; version: string },
  secrets: readonly string[],
): { name: string; version: string } {
  return { name: clean(info.name, secrets, 200), version: clean(info.version, secrets, 100) };
}

/** Upstream text as the answer may carry it: the body's secrets cut out, storable, bounded. */
function clean(text: string, secrets: readonly string[], max: number): string {
  return storableText(scrubSecrets(String(text), secrets), max);
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
