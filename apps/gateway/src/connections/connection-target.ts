import { createHash } from 'node:crypto';
import type { Protocol, ProtocolEra } from '@omni2/contracts';

/** Everything needed to open a session to one upstream server, with secrets already opened. */
export interface ConnectionTarget {
  id: string;
  name: string;
  protocol: Protocol;
  url: string | null;
  command: string | null;
  args: string[];
  env: Record<string, string>;
  cwd: string | null;
  headers: Record<string, string>;
  /** Precomputed `fingerprint(target)`, when the builder already has it. */
  fingerprint?: string;
  /**
   * The era the server spoke at its last contact (the row's `protocol_era`), so a known legacy
   * server is not probed again; null (unknown, edited, reload) negotiates. Not in the fingerprint.
   */
  eraHint?: ProtocolEra | null;
  /** OAuth (auth_type `oauth`): where the bearer token comes from; not in the fingerprint. */
  bearer?: BearerSource;
}

/** A bearer token that changes over the session's life (OAuth access tokens). */
export interface BearerSource {
  /** The token to send now. */
  token(): Promise<string>;
  /**
   * The server refused `rejected` (401): a renewed token, or AuthorizationRequiredError when
   * only an operator can help.
   */
  renew(rejected: string): Promise<string>;
  /**
   * The server answered `403 insufficient_scope` naming `scope`: a token with the wider scope
   * (client credentials), or ScopeRequiredError saying what the operator must do.
   */
  stepUp(scope: string | undefined): Promise<string>;
  /** What must never appear in error texts: the client secret and the tokens in use. */
  secrets(): string[];
}

/**
 * A digest of the connection-relevant settings. A live session whose fingerprint differs from
 * the row's is stale (edited through the API or directly in the database) and is replaced.
 */
export function fingerprint(target: ConnectionTarget): string {
  if (target.fingerprint !== undefined) return target.fingerprint;
  const material = JSON.stringify([
    target.protocol,
    target.url,
    target.command,
    target.args,
    Object.entries(target.env).sort(),
    target.cwd,
    Object.entries(target.headers).sort(),
  ]);
  return createHash('sha256').update(material).digest('base64url');
}
