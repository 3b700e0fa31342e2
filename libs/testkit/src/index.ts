export {
  type Behaviour,
  type CallRecord,
  DEFAULT_BEHAVIOUR,
  FAILING_MESSAGE,
  type ServerMode,
} from './behaviour';
export { FAIL_TOOL_TEXT } from './tools';
export {
  type HttpMcpServerOptions,
  type HttpProtocol,
  startHttpMcpServer,
  type TestMcpServer,
} from './http-server';
export { prepareStdioMcpServer, type StdioEra, type StdioMcpServerHandle } from './stdio-server';
export {
  type ModernEra,
  type ModernHttpMcpServerOptions,
  startModernHttpMcpServer,
} from './modern-http-server';
export { ASK_FORM, describeAnswer } from './interactive-tools';
export {
  type OAuthUpstream,
  type OAuthUpstreamOptions,
  type RegisteredClient,
  startOAuthUpstream,
  type TokenGrants,
} from './oauth-upstream';
