import {
  prepareStdioMcpServer,
  startHttpMcpServer,
  type Behaviour,
  type CallRecord,
  type StdioMcpServerHandle,
  type TestMcpServer,
} from '@omni2/testkit';

export type Transport = 'streamable_http' | 'sse' | 'stdio';

/** One testkit upstream behind a uniform face, whatever its transport. */
export interface Upstream {
  transport: Transport;
  /** The body to register it with omni2. */
  registration(name: string): Record<string, unknown>;
  setBehaviour(patch: Partial<Behaviour>): void;
  setExtraTools(names: string[]): Promise<void>;
  calls(): CallRecord[];
  stop(): Promise<void>;
  http: TestMcpServer | null;
  stdio: StdioMcpServerHandle | null;
}

export async function startUpstream(
  transport: Transport,
  behaviour: Partial<Behaviour> = {},
): Promise<Upstream> {
  if (transport === 'stdio') {
    const stdio = prepareStdioMcpServer({ behaviour });
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
      stop: () => stdio.cleanup(),
    };
  }
  const http = await startHttpMcpServer({ protocol: transport, behaviour });
  return {
    transport,
    http,
    stdio: null,
    registration: (name) => ({ name, protocol: transport, url: http.url }),
    setBehaviour: (patch) => Object.assign(http.behaviour, patch),
    setExtraTools: (names) => http.setExtraTools(names),
    calls: () => http.calls,
    stop: () => http.stop(),
  };
}
