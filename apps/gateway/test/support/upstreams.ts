import {
  prepareStdioMcpServer,
  startHttpMcpServer,
  startModernHttpMcpServer,
  type Behaviour,
  type CallRecord,
  type StdioMcpServerHandle,
  type TestMcpServer,
} from '@omni2/testkit';

export type Transport = 'streamable_http' | 'sse' | 'stdio';

/** `legacy`: SDK v1 (2025 revisions); `modern`: SDK v2, 2026-07-28 only; `dual`: SDK v2, both. */
export type Era = 'legacy' | 'modern' | 'dual';

/** One testkit upstream behind a uniform face, whatever its transport. */
export interface Upstream {
  transport: Transport;
  /** The body to register it with omni2. */
  registration(name: string): Record<string, unknown>;
  setBehaviour(patch: Partial<Behaviour>): void;
  setExtraTools(names: string[]): Promise<void>;
  calls(): CallRecord[];
  /** Notifications the server received (`notifications/cancelled` names its request id). */
  notifications(): CallRecord[];
  /** HTTP only: requests whose client closed the connection before the reply (else empty). */
  abandoned(): CallRecord[];
  stop(): Promise<void>;
  http: TestMcpServer | null;
  stdio: StdioMcpServerHandle | null;
}

export async function startUpstream(
  transport: Transport,
  behaviour: Partial<Behaviour> = {},
  era: Era = 'legacy',
): Promise<Upstream> {
  if (transport === 'stdio') {
    const stdio = prepareStdioMcpServer({ behaviour, era });
    return {
      transport,
      http: null,
      stdio,
      registration: (name) => ({
        name,
        protocol: 'stdio',
        command: stdio.command,
        args: stdio.args,
        env: stdio.env,
      }),
      setBehaviour: (patch) => stdio.setBehaviour(patch),
      setExtraTools: (names) => {
        stdio.setExtraTools(names);
        return Promise.resolve();
      },
      calls: () => stdio.calls(),
      notifications: () => stdio.notifications(),
      abandoned: () => [],
      stop: () => stdio.cleanup(),
    };
  }
  if (era !== 'legacy' && transport === 'sse') {
    throw new Error('the HTTP+SSE transport is 2025-only: no modern SSE upstream');
  }
  const http =
    era === 'legacy'
      ? await startHttpMcpServer({ protocol: transport, behaviour })
      : await startModernHttpMcpServer({ era, behaviour });
  return {
    transport,
    http,
    stdio: null,
    registration: (name) => ({ name, protocol: transport, url: http.url }),
    setBehaviour: (patch) => Object.assign(http.behaviour, patch),
    setExtraTools: (names) => http.setExtraTools(names),
    calls: () => http.calls,
    notifications: () => http.notifications,
    abandoned: () => http.abandoned,
    stop: () => http.stop(),
  };
}
