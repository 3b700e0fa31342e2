import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  type McpServerView,
  type NewEvent,
  type Protocol,
  type ServerStatus,
  viewerServerView,
} from '@omni2/contracts';
import type { Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import type { JsonBody } from '../common/json-body';
import { parseOrThrow } from '../common/zod-body';
import { authHeaders } from '../connections/auth-headers';
import { CapabilityCache } from '../connections/capability-cache';
import { ConnectionManager } from '../connections/connection-manager';
import {
  type BearerSource,
  type ConnectionTarget,
  fingerprint,
} from '../connections/connection-target';
import { oauthSettingsSchema } from '../oauth/oauth-settings';
import { type OAuthTarget, TokenBroker } from '../oauth/token-broker';
import { secretsOf } from '../connections/secret-scrub';
import { EventStream } from '../events/event-stream';
import { SecretCodec } from '../secrets/secret-codec';
import { McpServerEntity } from './mcp-server.entity';
import {
  createServerSchema,
  definitionFromCreate,
  serverDefinitionSchema,
  updateServerSchema,
  type ServerDefinition,
  type UpdateServerInput,
} from './server-input.schema';
import { toServerView } from './server-view';
import { parseListQuery } from './list-query';
import { ServerListSnapshot, type Audience } from './server-list.snapshot';
import { StdioAllowlist } from './stdio-allowlist';
import { UUID } from '../common/uuid';
import { isUniqueViolation } from '../common/database-errors';

/**
 * How stale a row may be on read-hot paths (tool execution, capability reads). Local writes
 * clear the cache at once; this bounds only changes made by other replicas or by hand.
 */
export const RECENT_ROW_TTL_MS = 2_000;
const RECENT_ROW_LIMIT = 10_000;

/** mcp_servers CRUD. Live fields are never written here except to reset them on enable. */
@Injectable()
export class RegistryService {
  constructor(
    @InjectRepository(McpServerEntity) private readonly repo: Repository<McpServerEntity>,
    private readonly codec: SecretCodec,
    private readonly connections: ConnectionManager,
    private readonly capabilities: CapabilityCache,
    private readonly clock: Clock,
    private readonly snapshot: ServerListSnapshot,
    private readonly allowlist: StdioAllowlist,
    private readonly events: EventStream,
    private readonly tokens: TokenBroker,
  ) {}

  private readonly recent = new Map<string, { row: McpServerEntity; at: number }>();
  /** Rows are mutated in place only by the write paths, which build their target afterwards. */
  private readonly targets = new WeakMap<McpServerEntity, ConnectionTarget>();

  /** The list as a JSON body `{ items, total }` (McpServerList), from the in-memory snapshot. */
  listBody(rawQuery: Record<string, unknown>, audience: Audience): Promise<JsonBody> {
    return this.snapshot.body(parseListQuery(rawQuery), audience);
  }

  async get(ref: string, audience: Audience): Promise<McpServerView> {
    const view = this.view(await this.find(ref));
    return audience === 'full' ? view : viewerServerView(view);
  }

  /**
   * Like `find`, but may answer from a copy up to RECENT_ROW_TTL_MS old: saves a database round
   * trip per tool call. Never use it where a decision is written back (checks, edits).
   */
  async findRecent(ref: string): Promise<McpServerEntity> {
    const now = this.clock.now();
    const hit = this.recent.get(ref);
    if (hit && now - hit.at < RECENT_ROW_TTL_MS) return hit.row;
    const row = await this.find(ref);
    if (this.recent.size >= RECENT_ROW_LIMIT) this.recent.clear();
    this.recent.set(ref, { row, at: now });
    return row;
  }

  activeServers(): Promise<McpServerEntity[]> {
    return this.repo.find({ where: { status: 'active' }, order: { name: 'ASC' } });
  }

  /** Finds by id (UUID) or by name; 404 otherwise. */
  async find(ref: string): Promise<McpServerEntity> {
    const row = UUID.test(ref)
      ? await this.repo.findOneBy({ id: ref })
      : await this.repo.findOneBy({ name: ref });
    if (!row) throw new DomainError('SERVER_NOT_FOUND', `id: no MCP server "${ref}"`);
    return row;
  }

  async create(body: unknown): Promise<McpServerView> {
    const def = this.definitionToCreate(body);
    const row = this.repo.create({
      ...this.persistable(def),
      disabled_reason: def.status === 'inactive' ? 'manual' : null,
      health_status: def.status === 'inactive' ? 'disabled' : 'unknown',
      next_check_at: def.status === 'active' ? new Date(this.clock.now()) : null,
    });
    const saved = await this.writeUnique(def.name, () => this.repo.save(row));
    this.written();
    const view = this.view(await this.find(saved.id));
    await this.announce('created', view);
    return view;
  }

  /**
   * A create body as the complete definition it registers: the same 400s naming the field, the
   * same stdio allowlist and env rules. Saves nothing.
   */
  definitionToCreate(body: unknown): ServerDefinition {
    const input = parseOrThrow(createServerSchema, body);
    const def = parseOrThrow(serverDefinitionSchema, definitionFromCreate(input));
    if (def.protocol === 'stdio' && def.command) this.allowlist.assertAllowed(def.command);
    this.allowlist.assertSafeEnv(def.env);
    return def;
  }

  /**
   * What the connection layer needs to reach a definition that is not (yet) a row: for a
   * connection test. `id` keeps it apart from every registered server. The command is resolved
   * by the allowlist as before each real start; a refusal throws a process error.
   */
  draftTarget(def: ServerDefinition, id: string): ConnectionTarget {
    const target: ConnectionTarget = {
      id,
      name: def.name,
      protocol: def.protocol,
      url: def.url,
      command:
        def.protocol === 'stdio' && def.command
          ? this.allowlist.runnable(def.command, def.env)
          : def.command,
      args: def.args,
      env: def.env,
      cwd: def.cwd,
      headers: authHeaders(def.auth_type, def.auth_type === 'none' ? null : def.auth_config),
      eraHint: null,
    };
    target.fingerprint = fingerprint(target);
    return target;
  }

  /** The commands stdio servers may run, as OMNI2_STDIO_ALLOWLIST names them. */
  stdioCommands(): string[] {
    return this.allowlist.commands();
  }

  /**
   * A PATCH checked in full (the same 400s naming the field, allowlist and env rules) and turned
   * into the configuration columns it writes. Writes nothing: `OperatorActionsService.edit`
   * writes them with any status change in one transaction, then calls `finishEdit`.
   */
  async prepareEdit(ref: string, body: unknown): Promise<PreparedEdit> {
    const patch = parseOrThrow(updateServerSchema, body);
    const row = await this.find(ref);
    const def = parseOrThrow(serverDefinitionSchema, this.merge(row, patch));
    const commandChanged = def.command !== row.command || def.protocol !== row.protocol;
    if (def.protocol === 'stdio' && def.command && commandChanged) {
      this.allowlist.assertAllowed(def.command);
    }
    this.allowlist.assertSafeEnv(def.env);
    const { status, ...columns } = this.persistable(def);
    return {
      id: row.id,
      previousName: row.name,
      name: def.name,
      columns,
      status: status === row.status ? null : def.status,
      connectionChanged:
        def.protocol !== row.protocol ||
        def.url !== row.url ||
        def.command !== row.command ||
        def.cwd !== row.cwd ||
        JSON.stringify(def.args) !== JSON.stringify(row.args) ||
        JSON.stringify(def.env) !== JSON.stringify(this.codec.open(row.env, 'env') ?? {}) ||
        def.auth_type !== row.auth_type ||
        JSON.stringify(def.auth_config) !==
          JSON.stringify(this.codec.open(row.auth_config, 'auth_config')),
      credentialsChanged:
        def.url !== row.url ||
        def.auth_type !== row.auth_type ||
        JSON.stringify(def.auth_config) !==
          JSON.stringify(this.codec.open(row.auth_config, 'auth_config')),
    };
  }

  /** After an edit committed: caches cleared, the old session closed (its settings may be gone). */
  async finishEdit(edit: PreparedEdit): Promise<void> {
    this.written();
    // Tokens belong to the server and client they were issued for: a new one starts over.
    if (edit.credentialsChanged) await this.tokens.discard(edit.id);
    await this.connections.drop(edit.id);
    if (edit.previousName !== edit.name) await this.capabilities.delete(edit.previousName);
  }

  async remove(ref: string): Promise<void> {
    const row = await this.find(ref);
    await this.repo.delete({ id: row.id });
    this.written();
    await this.connections.drop(row.id);
    await this.capabilities.delete(row.name);
    await this.announce('deleted', this.view(row), null);
  }

  /**
   * What the connection layer needs, with secrets opened. Never leaves the process. Memoized per
   * row object, so the hot path (a row from `findRecent`) does not reopen secrets or rehash.
   */
  target(row: McpServerEntity): ConnectionTarget {
    const known = this.targets.get(row);
    if (known) return known;
    const env = this.codec.open(row.env, 'env') ?? {};
    const command =
      row.protocol === 'stdio' && row.command
        ? this.allowlist.runnable(row.command, env)
        : row.command;
    const target: ConnectionTarget = {
      id: row.id,
      name: row.name,
      protocol: row.protocol,
      url: row.url,
      command,
      args: row.args,
      env: Object.fromEntries(
        Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'),
      ),
      cwd: row.cwd,
      headers: authHeaders(row.auth_type, this.codec.open(row.auth_config, 'auth_config')),
      eraHint: row.protocol_era,
      bearer: row.auth_type === 'oauth' ? this.bearerFor(row) : undefined,
    };
    target.fingerprint = fingerprint(target);
    this.targets.set(row, target);
    return target;
  }

  /** What the token broker and operator authorization need of an `oauth` server; else null. */
  oauthTarget(row: McpServerEntity): OAuthTarget | null {
    if (row.auth_type !== 'oauth' || !row.url) return null;
    const settings = oauthSettingsSchema.parse(this.codec.open(row.auth_config, 'auth_config'));
    return { id: row.id, url: row.url, settings, timeoutMs: row.timeout_seconds * 1_000 };
  }

  /** OAuth: the server's tokens come from the broker, renewed as they expire or are refused. */
  private bearerFor(row: McpServerEntity): BearerSource {
    const target = this.oauthTarget(row)!;
    const { settings } = target;
    return {
      token: () => this.tokens.accessToken(target),
      renew: (rejected) => this.tokens.accessToken(target, rejected),
      stepUp: (scope) => this.tokens.stepUp(target, scope),
      secrets: () => [
        ...(settings.client_secret ? [settings.client_secret] : []),
        ...(settings.private_key ? [settings.private_key] : []),
        ...this.tokens.secretsOf(row.id),
      ],
    };
  }

  /** What must be cut out of this server's error texts (secretsOf its target); [] if unbuildable. */
  secrets(row: McpServerEntity): string[] {
    try {
      return secretsOf(this.target(row));
    } catch {
      return [];
    }
  }

  view(row: McpServerEntity): McpServerView {
    return toServerView(row, this.codec);
  }

  /** A check was recorded on this row: hot reads and the list should see it. */
  noteLiveChange(row: McpServerEntity): void {
    this.recent.delete(row.id);
    this.recent.delete(row.name);
    this.snapshot.invalidate();
  }

  /** Consoles update the row in place from this (viewers get it without connection details). */
  private announce(
    action: 'created' | 'deleted',
    view: McpServerView,
    server: McpServerView | null = view,
  ): Promise<void> {
    return this.events.publish([serverConfigChanged(action, view, server)]);
  }

  /** Every local write goes through here, so cached reads see it at once. */
  private written(): void {
    this.recent.clear();
    this.snapshot.invalidate();
  }

  private merge(row: McpServerEntity, patch: UpdateServerInput): unknown {
    const current: ServerDefinition = {
      name: row.name,
      description: row.description,
      protocol: row.protocol,
      url: row.url,
      command: row.command,
      args: row.args,
      env: (this.codec.open(row.env, 'env') ?? {}) as Record<string, string>,
      cwd: row.cwd,
      timeout_seconds: row.timeout_seconds,
      auth_type: row.auth_type,
      auth_config: this.codec.open(row.auth_config, 'auth_config'),
      status: row.status,
    };
    const merged = { ...current, ...patch };
    // Switching transport family clears the other family's settings unless they were sent.
    if (patch.protocol && family(patch.protocol) !== family(row.protocol)) {
      if (family(patch.protocol) === 'stdio') {
        if (!('url' in patch)) merged.url = null;
        if (!('auth_type' in patch)) merged.auth_type = 'none';
        if (!('auth_config' in patch)) merged.auth_config = null;
      } else {
        if (!('command' in patch)) merged.command = null;
        if (!('args' in patch)) merged.args = [];
        if (!('env' in patch)) merged.env = {};
        if (!('cwd' in patch)) merged.cwd = null;
      }
    }
    // A new auth type needs new credentials; the old ones are never carried over.
    if (patch.auth_type && patch.auth_type !== row.auth_type && !('auth_config' in patch)) {
      merged.auth_config = null;
    }
    return merged;
  }

  private persistable(def: ServerDefinition): Partial<McpServerEntity> {
    return {
      name: def.name,
      description: def.description,
      protocol: def.protocol,
      url: def.url,
      command: def.command,
      args: def.args,
      env: this.codec.seal(def.env, 'env'),
      cwd: def.cwd,
      timeout_seconds: def.timeout_seconds,
      auth_type: def.auth_type,
      auth_config:
        def.auth_type === 'none' ? null : this.codec.seal(def.auth_config, 'auth_config'),
      status: def.status,
    };
  }

  private writeUnique<T>(name: string, write: () => Promise<T>): Promise<T> {
    return writeUniqueName(name, write);
  }
}

/** A validated edit, ready to write: its configuration columns and the status it asks for. */
export interface PreparedEdit {
  id: string;
  previousName: string;
  name: string;
  columns: Partial<McpServerEntity>;
  /** The status the patch changes to, or null when it leaves the status alone. */
  status: ServerStatus | null;
  /** How the server is reached changed: the era it spoke is forgotten. */
  connectionChanged: boolean;
  /** The URL or credentials changed: OAuth tokens obtained for the old ones are dropped. */
  credentialsChanged: boolean;
}

/** A write that may collide with another server's name: the collision is a 409 naming `name`. */
export async function writeUniqueName<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new DomainError('SERVER_NAME_TAKEN', `name: a server named "${name}" already exists`, [
        { field: 'name', message: `a server named "${name}" already exists` },
      ]);
    }
    throw error;
  }
}

/** The `mcp_config_changed` event of a server created, updated or deleted. */
export function serverConfigChanged(
  action: 'created' | 'updated' | 'deleted',
  view: McpServerView,
  server: McpServerView | null = view,
): NewEvent {
  return {
    type: 'mcp_config_changed',
    server_id: view.id,
    mcp_name: view.name,
    severity: 'info',
    data: { key: 'server', action, server },
  };
}

function family(protocol: Protocol): 'stdio' | 'network' {
  return protocol === 'stdio' ? 'stdio' : 'network';
}
