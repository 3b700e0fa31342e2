/** How omni2 introduces itself in MCP initialize. */
export const CLIENT_INFO = { name: 'omni2', version: '0.1.0' };
