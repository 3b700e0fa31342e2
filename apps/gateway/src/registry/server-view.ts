import { OAUTH_GRANTS, REDACTED, type McpServerView, type OAuthGrant } from '@omni2/contracts';
import type { SecretCodec } from '../secrets/secret-codec';
import type { McpServerEntity } from './mcp-server.entity';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/**
 * Entity -> API view. Secrets never leave: `auth_config` becomes "***", and stdio env keeps its
 * variable names (operators need them) with every value "***".
 */
export function toServerView(row: McpServerEntity, codec: SecretCodec): McpServerView {
  const envNames = codec.names(row.env, 'env');
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    protocol: row.protocol,
    protocol_era: row.protocol_era,
    protocol_version: row.protocol_version,
    url: row.url,
    command: row.command,
    args: row.args,
    env: Object.fromEntries(envNames.map((n) => [n, REDACTED])),
    cwd: row.cwd,
    timeout_seconds: row.timeout_seconds,
    auth_type: row.auth_type,
    oauth_grant: oauthGrantOf(row, codec),
    auth_config: row.auth_config === null ? null : REDACTED,
    status: row.status,
    disabled_reason: row.disabled_reason,
    health_status: row.health_status,
    circuit_state: row.circuit_state,
    consecutive_failures: row.consecutive_failures,
    failure_cycles: row.failure_cycles,
    last_health_check: iso(row.last_health_check),
    last_success_at: iso(row.last_success_at),
    last_response_time_ms: row.last_response_time_ms,
    last_error: row.last_error,
    last_error_kind: row.last_error_kind,
    last_recovery_attempt: iso(row.last_recovery_attempt),
    next_check_at: iso(row.next_check_at),
    total_downtime_seconds: row.total_downtime_seconds,
    down_since: iso(row.down_since),
    error_count: row.error_count,
    capabilities: row.capability_counts,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** The grant is no secret, but it is kept inside the sealed `auth_config`. */
function oauthGrantOf(row: McpServerEntity, codec: SecretCodec): OAuthGrant | null {
  if (row.auth_type !== 'oauth') return null;
  try {
    const grant = codec.open(row.auth_config, 'auth_config')?.grant;
    return OAUTH_GRANTS.find((g) => g === grant) ?? null;
  } catch {
    return null;
  }
}
