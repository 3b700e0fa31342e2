import {
  ALERT_EVENTS,
  CHANNEL_KINDS,
  DELIVERY_STATUSES,
  NOTIFICATION_KINDS,
  SERVER_SCOPES,
  type AlertChannelView,
  type AlertRuleView,
  type ChannelTestResult,
  type DeliveryPage,
  type MaintenanceWindowView,
  AUDIT_ACTOR_KINDS,
  AUTH_TYPES,
  CIRCUIT_STATES,
  CONNECTION_TEST_STAGES,
  DISABLED_REASONS,
  ERROR_CODES,
  ERROR_KINDS,
  EVENT_TYPES,
  HEALTH_LOG_EVENT_TYPES,
  HEALTH_STATUSES,
  OAUTH_GRANTS,
  LOG_LEVELS,
  PROTOCOL_ERAS,
  PROTOCOLS,
  REDACTED,
  ROLES,
  RUNTIME_CONFIG_KEYS,
  SERVER_STATUSES,
  UPTIME_WINDOWS,
  type ApiKeyView,
  type AuditPage,
  type BulkHealthCheckResult,
  type CapabilitiesView,
  type ConfigEntryView,
  type ConnectionTestResult,
  type CreatedApiKey,
  type ErrorBody,
  type EventPage,
  type HealthCheckResult,
  type HealthLogPage,
  type LoginResponse,
  type McpServerList,
  type McpServerView,
  type OAuthAuthorizationStart,
  type PrincipalView,
  type PromptGetResult,
  type ResourceReadResult,
  type RuntimeConfigKey,
  type StdioAllowlistView,
  type ToolRunCancelAccepted,
  type ToolRunResult,
  type UptimeView,
  type UserView,
} from '@omni2/contracts';
import { z } from 'zod';

/*
 * Response bodies as zod schemas: they produce the OpenAPI components (and so the typed client),
 * and the `Same<...>` checks at the end fail the type check when one drifts from the contracts
 * interface the gateway actually returns.
 */

const timestamp = z.string().meta({ format: 'date-time' });
const nullableTimestamp = timestamp.nullable();
const jsonObject = z.record(z.string(), z.unknown());

export const errorBodySchema = z
  .object({
    statusCode: z.int(),
    code: z.enum(ERROR_CODES),
    message: z.string(),
    errors: z
      .array(
        z.object({
          field: z.string().meta({ description: 'dotted path, e.g. `url` or `auth_config.token`' }),
          message: z.string(),
        }),
      )
      .optional(),
    details: jsonObject.optional(),
  })
  .meta({
    id: 'ErrorBody',
    description: 'Every error answer: clients branch on `code`, never on the message text.',
  });

const capabilityCounts = z.object({ tools: z.int(), prompts: z.int(), resources: z.int() });

export const mcpServerViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    protocol: z.enum(PROTOCOLS),
    protocol_era: z.enum(PROTOCOL_ERAS).nullable(),
    protocol_version: z.string().nullable(),
    url: z.string().nullable(),
    command: z.string().nullable(),
    args: z.array(z.string()),
    env: z.record(z.string(), z.literal(REDACTED)),
    cwd: z.string().nullable(),
    timeout_seconds: z.number(),
    auth_type: z.enum(AUTH_TYPES),
    oauth_grant: z.enum(OAUTH_GRANTS).nullable(),
    auth_config: z.literal(REDACTED).nullable(),
    status: z.enum(SERVER_STATUSES),
    disabled_reason: z.enum(DISABLED_REASONS).nullable(),
    health_status: z.enum(HEALTH_STATUSES),
    circuit_state: z.enum(CIRCUIT_STATES),
    consecutive_failures: z.int(),
    failure_cycles: z.int(),
    last_health_check: nullableTimestamp,
    last_success_at: nullableTimestamp,
    last_response_time_ms: z.number().nullable(),
    last_error: z.string().nullable(),
    last_error_kind: z.enum(ERROR_KINDS).nullable(),
    last_recovery_attempt: nullableTimestamp,
    next_check_at: nullableTimestamp,
    total_downtime_seconds: z.number(),
    down_since: nullableTimestamp,
    error_count: z.int(),
    capabilities: capabilityCounts.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({
    id: 'McpServerView',
    description: 'A registered server; secrets always read "***".',
    examples: [
      {
        id: '0b6c1f1e-8a43-4c55-9f7e-2f1d3c4b5a69',
        name: 'weather',
        description: 'Forecasts for the ops team',
        protocol: 'streamable_http',
        protocol_era: 'modern',
        protocol_version: '2026-07-28',
        url: 'https://mcp.example.net/weather/mcp',
        command: null,
        args: [],
        env: {},
        cwd: null,
        timeout_seconds: 30,
        auth_type: 'bearer',
        oauth_grant: null,
        auth_config: REDACTED,
        status: 'active',
        disabled_reason: null,
        health_status: 'healthy',
        circuit_state: 'closed',
        consecutive_failures: 0,
        failure_cycles: 0,
        last_health_check: '2026-12-05T10:00:00.000Z',
        last_success_at: '2026-12-05T10:00:00.000Z',
        last_response_time_ms: 42,
        last_error: null,
        last_error_kind: null,
        last_recovery_attempt: null,
        next_check_at: '2026-12-05T10:01:00.000Z',
        total_downtime_seconds: 0,
        down_since: null,
        error_count: 0,
        capabilities: { tools: 3, prompts: 1, resources: 2 },
        created_at: '2026-12-01T09:00:00.000Z',
        updated_at: '2026-12-05T10:00:00.000Z',
      } satisfies McpServerView,
    ],
  });

export const mcpServerListSchema = z
  .object({ items: z.array(mcpServerViewSchema), total: z.int() })
  .meta({ id: 'McpServerList' });

const probeMethod = z.enum(['discover', 'ping', 'tools_list', 'none']);

export const healthCheckResultSchema = z
  .object({
    server_id: z.string(),
    name: z.string(),
    ok: z.boolean(),
    response_time_ms: z.number().nullable(),
    error: z.string().nullable(),
    error_kind: z.enum(ERROR_KINDS).nullable(),
    probe: probeMethod,
    checked_at: timestamp,
    health_status: z.enum(HEALTH_STATUSES),
    consecutive_failures: z.int(),
  })
  .meta({
    id: 'HealthCheckResult',
    examples: [
      {
        server_id: '0b6c1f1e-8a43-4c55-9f7e-2f1d3c4b5a69',
        name: 'weather',
        ok: true,
        response_time_ms: 42,
        error: null,
        error_kind: null,
        probe: 'discover',
        checked_at: '2026-12-05T10:00:00.000Z',
        health_status: 'healthy',
        consecutive_failures: 0,
      } satisfies HealthCheckResult,
    ],
  });

export const bulkHealthCheckResultSchema = z
  .object({
    checked: z.int(),
    healthy: z.int(),
    failed: z.int(),
    skipped_circuit_open: z.int(),
    results: z.array(healthCheckResultSchema),
  })
  .meta({ id: 'BulkHealthCheckResult' });

const serverInfo = z.object({ name: z.string(), version: z.string() }).nullable();

export const capabilitiesViewSchema = z
  .object({
    server_id: z.string(),
    name: z.string(),
    tools: z.array(
      z.object({
        name: z.string(),
        title: z.string().optional(),
        description: z.string().optional(),
        input_schema: jsonObject,
        output_schema: jsonObject.optional(),
      }),
    ),
    prompts: z.array(
      z.object({
        name: z.string(),
        title: z.string().optional(),
        description: z.string().optional(),
        arguments: z.array(
          z.object({
            name: z.string(),
            description: z.string().optional(),
            required: z.boolean().optional(),
          }),
        ),
      }),
    ),
    resources: z.array(
      z.object({
        uri: z.string(),
        name: z.string(),
        title: z.string().optional(),
        description: z.string().optional(),
        mime_type: z.string().optional(),
      }),
    ),
    cached_at: nullableTimestamp,
    server_info: serverInfo,
    protocol_version: z.string().nullable(),
    cache_hint: z.object({ ttl_ms: z.number(), scope: z.enum(['public', 'private']) }).nullable(),
  })
  .meta({ id: 'CapabilitiesView' });

const contentItem = z.looseObject({ type: z.string() });
const fieldErrors = z.array(z.object({ field: z.string(), message: z.string() }));

export const toolRunResultSchema = z
  .discriminatedUnion('status', [
    z.object({
      status: z.literal('complete'),
      server_id: z.string(),
      tool: z.string(),
      is_error: z.boolean(),
      content: z.array(contentItem),
      structured_content: jsonObject.nullable(),
      duration_ms: z.number(),
      error: z.object({ code: z.number(), message: z.string() }).optional(),
      output_validation: z.object({ valid: z.boolean(), errors: fieldErrors }).nullable(),
    }),
    z.object({
      status: z.literal('input_required'),
      server_id: z.string(),
      tool: z.string(),
      input_token: z.string(),
      input_request: z.object({
        kind: z.literal('elicitation'),
        message: z.string(),
        requested_schema: jsonObject,
      }),
      expires_at: timestamp,
    }),
    z.object({
      status: z.literal('cancelled'),
      server_id: z.string(),
      tool: z.string(),
      run_id: z.string(),
      reason: z.string(),
      duration_ms: z.number(),
    }),
  ])
  .meta({
    id: 'ToolRunResult',
    description: 'The result, a question the server asked first, or the cancellation.',
    examples: [
      {
        status: 'complete',
        server_id: '0b6c1f1e-8a43-4c55-9f7e-2f1d3c4b5a69',
        tool: 'add',
        is_error: false,
        content: [{ type: 'text', text: '5' }],
        structured_content: { sum: 5 },
        duration_ms: 12,
        output_validation: { valid: true, errors: [] },
      } satisfies ToolRunResult,
    ],
  });

export const toolRunCancelAcceptedSchema = z
  .object({ run_id: z.string(), cancelled: z.literal(true) })
  .meta({ id: 'ToolRunCancelAccepted' });

export const resourceReadResultSchema = z
  .object({
    server_id: z.string(),
    uri: z.string(),
    contents: z.array(
      z.looseObject({
        uri: z.string(),
        mimeType: z.string().optional(),
        text: z.string().optional(),
        blob: z.string().optional(),
      }),
    ),
    duration_ms: z.number(),
  })
  .meta({ id: 'ResourceReadResult' });

export const promptGetResultSchema = z
  .object({
    server_id: z.string(),
    prompt: z.string(),
    description: z.string().nullable(),
    messages: z.array(z.object({ role: z.string(), content: contentItem })),
    duration_ms: z.number(),
  })
  .meta({ id: 'PromptGetResult' });

export const connectionTestResultSchema = z
  .object({
    ok: z.boolean(),
    stage: z.enum(CONNECTION_TEST_STAGES),
    error_kind: z.enum(ERROR_KINDS).nullable(),
    error: z.string().nullable(),
    protocol_era: z.enum(PROTOCOL_ERAS).nullable(),
    protocol_version: z.string().nullable(),
    server_info: serverInfo,
    probe: probeMethod.nullable(),
    tools: z.int().nullable(),
    prompts: z.int().nullable(),
    resources: z.int().nullable(),
    tool_names: z.array(z.string()),
    response_time_ms: z.number().nullable(),
    duration_ms: z.number(),
  })
  .meta({ id: 'ConnectionTestResult' });

export const stdioAllowlistViewSchema = z
  .object({ commands: z.array(z.string()) })
  .meta({ id: 'StdioAllowlistView' });

export const healthLogPageSchema = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        server_id: z.string(),
        event_type: z.enum(HEALTH_LOG_EVENT_TYPES),
        status: z.enum(HEALTH_STATUSES),
        response_time_ms: z.number().nullable(),
        error_message: z.string().nullable(),
        error_kind: z.enum(ERROR_KINDS).nullable(),
        created_at: timestamp,
      }),
    ),
    next_cursor: z.string().nullable(),
  })
  .meta({ id: 'HealthLogPage' });

export const uptimeViewSchema = z
  .object({
    server_id: z.string(),
    window: z.enum(UPTIME_WINDOWS),
    from: timestamp,
    to: timestamp,
    uptime_percent: z.number().nullable(),
    checks: z.int(),
    successful_checks: z.int(),
    mean_response_time_ms: z.number().nullable(),
    p95_response_time_ms: z.number().nullable(),
    downtime_seconds: z.number(),
    method: z.string(),
    maintenance: z.object({
      counted: z.boolean(),
      excluded_checks: z.int(),
      seconds: z.int(),
    }),
  })
  .meta({ id: 'UptimeView' });

const settingsSchemas = {
  health_check: z.object({
    interval_seconds: z.number(),
    unhealthy_interval_seconds: z.number(),
    timeout_seconds: z.number(),
    concurrency: z.number(),
  }),
  circuit_breaker: z.object({
    enabled: z.boolean(),
    failure_threshold: z.number(),
    timeout_seconds: z.number(),
    backoff_multiplier: z.number(),
    max_timeout_seconds: z.number(),
    half_open_max_calls: z.number(),
    max_failure_cycles: z.number(),
    auto_disable_enabled: z.boolean(),
    disable_after_minutes: z.number(),
  }),
  logging: z.object({ level: z.enum(LOG_LEVELS), component_names: z.array(z.string()) }),
  health_log: z.object({ retention_days: z.number() }),
  alerts: z.object({
    critical_failure_count: z.number(),
    critical_window_seconds: z.number(),
    maintenance_counts_in_uptime: z.boolean(),
  }),
  rate_limits: z.object({
    login_attempts_per_minute: z.number(),
    login_lockout_threshold: z.number(),
    login_lockout_seconds: z.number(),
    login_lockout_max_seconds: z.number(),
    tool_executions_per_minute: z.number(),
    tool_timeout_max_seconds: z.number(),
  }),
  events: z.object({ max_length: z.number() }),
} satisfies Record<RuntimeConfigKey, z.ZodType>;

const runtimeConfigKey = z.enum(RUNTIME_CONFIG_KEYS as [RuntimeConfigKey, ...RuntimeConfigKey[]]);

// As loose as the contract: `value` is the setting `key` names.
export const configEntryViewSchema = z
  .object({
    key: runtimeConfigKey,
    value: z.union(Object.values(settingsSchemas)),
    updated_at: nullableTimestamp,
  })
  .meta({ id: 'ConfigEntryView' });

const healthStatus = z.enum(HEALTH_STATUSES);
const errorKind = z.enum(ERROR_KINDS).nullable();

// As loose as the contract: `data` is the payload `type` names (see EVENT_TYPES' docs).
export const eventEnvelopeSchema = z
  .object({
    id: z.string(),
    type: z.enum(EVENT_TYPES),
    timestamp,
    server_id: z.string().nullable(),
    mcp_name: z.string().nullable(),
    severity: z.enum(['info', 'warning', 'error', 'critical']),
    data: z.union([
      z.object({
        old_status: healthStatus,
        new_status: healthStatus,
        reason: z.string(),
        recovery_eta: nullableTimestamp,
      }),
      z.object({
        old_state: z.enum(CIRCUIT_STATES),
        new_state: z.enum(CIRCUIT_STATES),
        consecutive_failures: z.int(),
        failure_cycles: z.int(),
        next_attempt_at: nullableTimestamp,
      }),
      z.object({ reason: z.string(), failure_cycles: z.int(), downtime_seconds: z.number() }),
      z.object({ successes: z.int(), required: z.int() }),
      z.object({
        ok: z.boolean(),
        response_time_ms: z.number().nullable(),
        error: z.string().nullable(),
        error_kind: errorKind,
        consecutive_failures: z.int(),
        health_status: healthStatus,
      }),
      z.object({ reason: z.string(), count: z.int(), window_seconds: z.number() }),
      z.object({
        key: z.literal('server'),
        action: z.enum(['created', 'updated', 'deleted']),
        server: mcpServerViewSchema.nullable(),
      }),
      z.object({ key: runtimeConfigKey, action: z.literal('updated'), server: z.null() }),
      z.object({ tools: z.int(), prompts: z.int(), resources: z.int() }),
    ]),
  })
  .meta({ id: 'EventEnvelope' });

export const eventPageSchema = z
  .object({ items: z.array(eventEnvelopeSchema), last_id: z.string().nullable(), gap: z.boolean() })
  .meta({ id: 'EventPage' });

export const loginResponseSchema = z
  .object({ access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number() })
  .meta({
    id: 'LoginResponse',
    examples: [
      { access_token: 'eyJhbGciOiJIUzI1NiJ9.e30.sig', token_type: 'Bearer', expires_in: 3600 },
    ],
  });

export const principalViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    kind: z.enum(['user', 'api_key']),
    expires_at: nullableTimestamp,
  })
  .meta({ id: 'PrincipalView' });

export const userViewSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    role: z.enum(ROLES),
    disabled: z.boolean(),
    last_login_at: nullableTimestamp,
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'UserView' });

const apiKeyFields = {
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  prefix: z.string(),
  created_by: z.string().nullable(),
  created_at: timestamp,
  expires_at: nullableTimestamp,
  last_used_at: nullableTimestamp,
  revoked_at: nullableTimestamp,
};

export const apiKeyViewSchema = z.object(apiKeyFields).meta({ id: 'ApiKeyView' });

export const createdApiKeySchema = z
  .object({ ...apiKeyFields, key: z.string() })
  .meta({ id: 'CreatedApiKey', description: 'The key is shown here once and never again.' });

export const auditPageSchema = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        actor: z.string(),
        actor_kind: z.enum(AUDIT_ACTOR_KINDS),
        action: z.string(),
        target_type: z.string().nullable(),
        target_id: z.string().nullable(),
        target_name: z.string().nullable(),
        details: jsonObject,
        ip: z.string().nullable(),
        created_at: timestamp,
      }),
    ),
    next_cursor: z.string().nullable(),
  })
  .meta({ id: 'AuditPage' });

export const livenessSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Liveness' });

const indicators = z.record(
  z.string(),
  z.looseObject({ status: z.enum(['up', 'down', 'degraded']) }),
);

/** Terminus' own report shape (orchestrators and dashboards expect it), 200 and 503 alike. */
export const readinessSchema = z
  .object({
    status: z.enum(['error', 'ok', 'degraded', 'shutting_down']),
    info: indicators.optional(),
    error: indicators.optional(),
    details: indicators,
  })
  .meta({
    id: 'Readiness',
    description:
      'Indicators: lifecycle, database, coordinator, audit_log, and redis when REDIS_URL is set',
  });

export const oauthAuthorizationStartSchema = z
  .object({
    authorization_url: z.url(),
    expires_at: z.iso.datetime(),
  })
  .meta({
    id: 'OAuthAuthorizationStart',
    examples: [
      {
        authorization_url:
          'https://auth.example.com/authorize?response_type=code&client_id=omni2&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=af0ifjsldkj',
        expires_at: '2026-12-05T10:10:00.000Z',
      } satisfies OAuthAuthorizationStart,
    ],
  });

export const oauthClientMetadataSchema = z
  .object({
    client_id: z.url(),
    client_name: z.string().optional(),
    client_uri: z.string().optional(),
    redirect_uris: z.array(z.string()),
    grant_types: z.array(z.string()).optional(),
    response_types: z.array(z.string()).optional(),
    token_endpoint_auth_method: z.string().optional(),
  })
  .loose()
  .meta({
    id: 'OAuthClientMetadata',
    description:
      "omni2's Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document)",
  });

const serverScopeFields = {
  server_scope: z.enum(SERVER_SCOPES),
  server_ids: z.array(z.string()),
  name_pattern: z.string().nullable(),
};

export const alertChannelViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(CHANNEL_KINDS),
    config: z.record(z.string(), z.unknown()).meta({
      description:
        'The channel settings; secrets (webhook secret and header values, chat URLs, SMTP password) read "***"',
    }),
    enabled: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'AlertChannel' });

export const alertRuleViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    events: z.array(z.enum(ALERT_EVENTS)),
    ...serverScopeFields,
    min_failures: z.int().nullable(),
    min_duration_seconds: z.int(),
    reminder_interval_seconds: z.int().nullable(),
    send_recovery: z.boolean(),
    channel_ids: z.array(z.string()),
    enabled: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'AlertRule' });

export const maintenanceWindowViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    starts_at: z.string(),
    ends_at: z.string().nullable(),
    recurrence: z.string().nullable(),
    duration_seconds: z.int().nullable(),
    ...serverScopeFields,
    active: z.boolean(),
    current_or_next: z.object({ starts_at: z.string(), ends_at: z.string() }).nullable(),
    created_by: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'MaintenanceWindow' });

export const deliveryViewSchema = z
  .object({
    id: z.string(),
    channel_id: z.string(),
    channel_name: z.string().nullable(),
    channel_kind: z.enum(CHANNEL_KINDS).nullable(),
    rule_id: z.string().nullable(),
    server_id: z.string().nullable(),
    event: z.enum(ALERT_EVENTS),
    kind: z.enum(NOTIFICATION_KINDS),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.int(),
    title: z.string(),
    last_status_code: z.int().nullable(),
    last_error: z.string().nullable(),
    response: z.string().nullable(),
    created_at: z.string(),
    next_attempt_at: z.string().nullable(),
    finished_at: z.string().nullable(),
  })
  .meta({ id: 'Delivery' });

export const deliveryPageSchema = z
  .object({ items: z.array(deliveryViewSchema), next_cursor: z.string().nullable() })
  .meta({ id: 'DeliveryPage' });

export const channelTestResultSchema = z
  .object({
    ok: z.boolean(),
    status_code: z.int().nullable(),
    response: z.string(),
    error: z.string().nullable(),
    delivery_id: z.string(),
  })
  .meta({ id: 'ChannelTestResult' });

/** True only when A and B are assignable both ways. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Agree<T extends true> = T;

/** Compile-time only: each response schema describes exactly what the gateway returns. */
export type ResponseSchemasAgree = [
  Agree<Same<z.output<typeof errorBodySchema>, ErrorBody>>,
  Agree<Same<z.output<typeof oauthAuthorizationStartSchema>, OAuthAuthorizationStart>>,
  Agree<Same<z.output<typeof alertChannelViewSchema>, AlertChannelView>>,
  Agree<Same<z.output<typeof alertRuleViewSchema>, AlertRuleView>>,
  Agree<Same<z.output<typeof maintenanceWindowViewSchema>, MaintenanceWindowView>>,
  Agree<Same<z.output<typeof deliveryPageSchema>, DeliveryPage>>,
  Agree<Same<z.output<typeof channelTestResultSchema>, ChannelTestResult>>,
  Agree<Same<z.output<typeof mcpServerViewSchema>, McpServerView>>,
  Agree<Same<z.output<typeof mcpServerListSchema>, McpServerList>>,
  Agree<Same<z.output<typeof healthCheckResultSchema>, HealthCheckResult>>,
  Agree<Same<z.output<typeof bulkHealthCheckResultSchema>, BulkHealthCheckResult>>,
  Agree<Same<z.output<typeof capabilitiesViewSchema>, CapabilitiesView>>,
  Agree<Same<z.output<typeof toolRunResultSchema>, ToolRunResult>>,
  Agree<Same<z.output<typeof toolRunCancelAcceptedSchema>, ToolRunCancelAccepted>>,
  Agree<Same<z.output<typeof resourceReadResultSchema>, ResourceReadResult>>,
  Agree<Same<z.output<typeof promptGetResultSchema>, PromptGetResult>>,
  Agree<Same<z.output<typeof connectionTestResultSchema>, ConnectionTestResult>>,
  Agree<Same<z.output<typeof stdioAllowlistViewSchema>, StdioAllowlistView>>,
  Agree<Same<z.output<typeof healthLogPageSchema>, HealthLogPage>>,
  Agree<Same<z.output<typeof uptimeViewSchema>, UptimeView>>,
  Agree<Same<z.output<typeof configEntryViewSchema>, ConfigEntryView>>,
  Agree<Same<z.output<typeof eventPageSchema>, EventPage>>,
  Agree<Same<z.output<typeof loginResponseSchema>, LoginResponse>>,
  Agree<Same<z.output<typeof principalViewSchema>, PrincipalView>>,
  Agree<Same<z.output<typeof userViewSchema>, UserView>>,
  Agree<Same<z.output<typeof apiKeyViewSchema>, ApiKeyView>>,
  Agree<Same<z.output<typeof createdApiKeySchema>, CreatedApiKey>>,
  Agree<Same<z.output<typeof auditPageSchema>, AuditPage>>,
];
