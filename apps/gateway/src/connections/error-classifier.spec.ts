import fc from 'fast-check';
import { FC_PARAMS, hasUnstorable, oddString } from '../../test/support/odd-input';
import { SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import {
  classifyError,
  isMethodNotFound,
  isSessionExpired,
  ProcessExitedError,
  UpstreamTimeoutError,
} from './error-classifier';

/** Error shapes as the SDK 1.32 client raises them (measured against testkit servers). */
describe('classifyError', () => {
  it('reads 401/403 as auth and puts the status in the message', () => {
    const c = classifyError(
      new StreamableHTTPError(401, 'Streamable HTTP error: unauthorized'),
      'streamable_http',
    );
    expect(c).toMatchObject({ kind: 'auth', httpStatus: 401 });
    expect(c.message).toMatch(/^HTTP 401: /);
    expect(
      classifyError(new Error('Error POSTing to endpoint (HTTP 403): no'), 'sse'),
    ).toMatchObject({
      kind: 'auth',
      httpStatus: 403,
    });
  });

  it('reads other HTTP statuses as protocol failures', () => {
    expect(classifyError(new StreamableHTTPError(500, 'boom'), 'streamable_http')).toMatchObject({
      kind: 'protocol',
      httpStatus: 500,
    });
    expect(classifyError(new SseError(502, 'bad gateway', {} as never), 'sse').kind).toBe(
      'protocol',
    );
  });

  it('reads timeouts from the SDK and from omni2 deadlines', () => {
    const sdk = new McpError(ErrorCode.RequestTimeout, 'Request timed out');
    expect(classifyError(sdk, 'sse').kind).toBe('timeout');
    expect(classifyError(new UpstreamTimeoutError('connect', 1000), 'sse').kind).toBe('timeout');
  });

  it('reads a closed connection as process_exit for stdio and unreachable otherwise', () => {
    const closed = new McpError(ErrorCode.ConnectionClosed, 'Connection closed');
    expect(classifyError(closed, 'stdio').kind).toBe('process_exit');
    expect(classifyError(closed, 'streamable_http').kind).toBe('unreachable');
    expect(classifyError(new Error('Not connected'), 'stdio').kind).toBe('process_exit');
    const enoent = Object.assign(new Error('spawn nope ENOENT'), { code: 'ENOENT' });
    expect(classifyError(enoent, 'stdio').kind).toBe('process_exit');
  });

  it('reads refused connections as unreachable and names the cause', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
    });
    const c = classifyError(refused, 'streamable_http');
    expect(c.kind).toBe('unreachable');
    expect(c.message).toContain('ECONNREFUSED 127.0.0.1:9');
  });

  it('reads any other MCP error as protocol', () => {
    expect(classifyError(new McpError(ErrorCode.InvalidParams, 'bad'), 'sse').kind).toBe(
      'protocol',
    );
  });
});

describe('classifyError texts', () => {
  it('gives, for any upstream text, storable bounded text without the secrets', () => {
    fc.assert(
      fc.property(oddString(3_000), (text) => {
        const { message } = classifyError(
          new ProcessExitedError(`S3CRET-VALUE token=abc123 ${text}`),
          'stdio',
          ['S3CRET-VALUE'],
        );
        expect(hasUnstorable(message)).toBe(false);
        expect(message.length).toBeLessThanOrEqual(2_000);
        expect(message).not.toContain('S3CRET-VALUE');
        expect(message).not.toContain('abc123');
      }),
      FC_PARAMS,
    );
  });
});

describe('isSessionExpired / isMethodNotFound', () => {
  it('recognises a forgotten session on both HTTP transports', () => {
    expect(isSessionExpired(new StreamableHTTPError(404, 'Session not found'))).toBe(true);
    expect(isSessionExpired(new Error('Error POSTing to endpoint (HTTP 404): gone'))).toBe(true);
    expect(isSessionExpired(new StreamableHTTPError(500, 'x'))).toBe(false);
  });

  it('recognises method-not-found', () => {
    expect(isMethodNotFound(new McpError(ErrorCode.MethodNotFound, 'Method not found'))).toBe(true);
    expect(isMethodNotFound(new McpError(ErrorCode.InternalError, 'x'))).toBe(false);
  });
});
