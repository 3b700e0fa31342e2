import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { provideHttpClientTesting, type TestRequest } from '@angular/common/http/testing';
import type { EnvironmentProviders, Provider } from '@angular/core';
import { provideRouter } from '@angular/router';
import { TestBed } from '@angular/core/testing';
import type {
  EventEnvelope,
  MaintenanceWindowView,
  EventType,
  FieldError,
  HealthCheckResult,
  McpServerView,
  Role,
} from '@omni2/contracts';
import { authInterceptor, sessionInterceptor } from './interceptors';
import { Session } from './session.service';
import type { EventDataMap } from '@omni2/contracts';

/** A complete server view for tests; override what the test is about. */
export function serverView(patch: Partial<McpServerView> = {}): McpServerView {
  return {
    id: 'id-alpha',
    name: 'alpha',
    description: null,
    protocol: 'streamable_http',
    protocol_era: 'legacy',
    protocol_version: '2025-11-25',
    url: 'http://127.0.0.1:9/mcp',
    command: null,
    args: [],
    env: {},
    cwd: null,
    timeout_seconds: 30,
    auth_type: 'none',
    oauth_grant: null,
    auth_config: null,
    status: 'active',
    disabled_reason: null,
    health_status: 'healthy',
    circuit_state: 'closed',
    consecutive_failures: 0,
    failure_cycles: 0,
    last_health_check: '2026-01-01T00:00:00.000Z',
    last_success_at: '2026-01-01T00:00:00.000Z',
    last_response_time_ms: 4,
    last_error: null,
    last_error_kind: null,
    last_recovery_attempt: null,
    next_check_at: null,
    total_downtime_seconds: 0,
    down_since: null,
    error_count: 0,
    capabilities: { tools: 4, prompts: 1, resources: 1 },
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    ...patch,
  };
}

/** A passing check of a server named `fresh` (a new one's first check); override the rest. */
export function checkResult(patch: Partial<HealthCheckResult> = {}): HealthCheckResult {
  return {
    server_id: 'id-fresh',
    name: 'fresh',
    ok: true,
    response_time_ms: 4.2,
    error: null,
    error_kind: null,
    probe: 'ping',
    checked_at: '2026-01-01T00:00:00.000Z',
    health_status: 'healthy',
    consecutive_failures: 0,
    ...patch,
  };
}

/** Answers `req` as the gateway refuses a body: 400 VALIDATION_FAILED naming the fields. */
export function flushValidationFailed(req: TestRequest, errors: FieldError[], message = 'invalid') {
  req.flush(
    { statusCode: 400, code: 'VALIDATION_FAILED', message, errors },
    { status: 400, statusText: 'Bad Request' },
  );
}

let seq = 0;

/** An event envelope with a fresh stream-style id. */
export function event<T extends EventType>(
  type: T,
  data: EventDataMap[T],
  patch: Partial<EventEnvelope<T>> = {},
): EventEnvelope<T> {
  seq++;
  return {
    id: `${1_700_000_000_000 + seq}-0`,
    type,
    timestamp: new Date().toISOString(),
    server_id: 'id-alpha',
    mcp_name: 'alpha',
    severity: 'info',
    data,
    ...patch,
  };
}

/** Lets promise chains finish (an HTTP answer through `await`s), then renders. */
export async function settle(fixture: { whenStable(): Promise<unknown> }): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  await fixture.whenStable();
}

/** What a console unit test needs: HttpClient (with the app's interceptors) on a test backend. */
export function testProviders(...extra: (Provider | EnvironmentProviders)[]) {
  return [
    provideHttpClient(withInterceptors([authInterceptor, sessionInterceptor])),
    provideHttpClientTesting(),
    provideRouter([]),
    ...extra,
  ];
}

/** Signs the test in as a user of `role` (no HTTP). */
export function signInAs(role: Role): void {
  TestBed.inject(Session).principal.set({
    id: `${role}-id`,
    name: role,
    role,
    kind: 'user',
    expires_at: null,
  });
}

/** A one-off maintenance window on from 11:00 to 13:00 UTC on 2026-06-01, covering all servers. */
export function windowView(patch: Partial<MaintenanceWindowView> = {}): MaintenanceWindowView {
  return {
    id: 'w1',
    name: 'patching',
    starts_at: '2026-06-01T11:00:00.000Z',
    ends_at: '2026-06-01T13:00:00.000Z',
    recurrence: null,
    duration_seconds: null,
    server_scope: 'all',
    server_ids: [],
    name_pattern: null,
    active: true,
    current_or_next: { starts_at: '2026-06-01T11:00:00.000Z', ends_at: '2026-06-01T13:00:00.000Z' },
    created_by: 'admin',
    created_at: '2026-06-01T10:00:00.000Z',
    updated_at: '2026-06-01T10:00:00.000Z',
    ...patch,
  };
}

/** Lets promise chains finish (an HTTP answer through `await`s), without a fixture. */
export function drain(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
