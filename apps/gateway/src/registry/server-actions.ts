import type { ConnectionTestResult, McpServerView } from '@omni2/contracts';

/*
 * Two routes of the registry's API (PATCH /mcp/servers/:id, POST /mcp/servers/test-connection)
 * are carried out by health, which sits above the registry: an edit resets breaker and session
 * state and is logged, and a trial connection classifies failures as health checks do. The
 * registry declares what it needs; HealthModule binds these tokens to its services.
 */

export abstract class ServerEditor {
  abstract edit(ref: string, body: unknown, actor: string): Promise<McpServerView>;
}

export abstract class ConnectionTester {
  abstract test(body: unknown): Promise<ConnectionTestResult>;
}
