import fc from 'fast-check';
import { FC_PARAMS, hasUnstorable, oddString } from '../../test/support/odd-input';
import {
  ProtocolError,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
  UnsupportedProtocolVersionError,
} from '@modelcontextprotocol/client';
import {
  classifyError,
  isMethodNotFound,
  isSessionExpired,
  isVersionRejected,
  ProcessExitedError,
  UpstreamRpcError,
  UpstreamTimeoutError,
} from './error-classifier';

const httpError = (status: number, message: string) =>
  new SdkHttpError(SdkErrorCode.ClientHttpNotImplemented, message, { status });

/** Error shapes as the SDK v2 client raises them, and omni2's own (upstream-errors.ts). */
describe('classifyError', () => {
  it('reads 401/403 as auth and puts the status in the message', () => {
    const c = classifyError(
      httpError(401, 'Streamable HTTP error: unauthorized'),
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
    expect(classifyError(httpError(500, 'boom'), 'streamable_http')).toMatchObject({
      kind: 'protocol',
      httpStatus: 500,
    });
    const auth = new SdkError(SdkErrorCode.ClientHttpAuthentication, 'needs auth');
    expect(classifyError(auth, 'sse')).toMatchObject({ kind: 'auth', httpStatus: 401 });
  });

  it('reads timeouts from the SDK and from omni2 deadlines', () => {
    const sdk = new SdkError(SdkErrorCode.RequestTimeout, 'Request timed out', { timeout: 5 });
    expect(classifyError(sdk, 'sse').kind).toBe('timeout');
    expect(classifyError(new UpstreamTimeoutError('connect', 1000), 'sse').kind).toBe('timeout');
  });

  it('reads a closed connection as process_exit for stdio and unreachable otherwise', () => {
    const closed = new SdkError(SdkErrorCode.ConnectionClosed, 'Connection closed');
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
    expect(classifyError(new ProtocolError(-32602, 'bad'), 'sse').kind).toBe('protocol');
    expect(classifyError(new UpstreamRpcError(-32603, 'bad'), 'sse').kind).toBe('protocol');
    const unusable = new SdkError(SdkErrorCode.InvalidResult, 'not a result');
    expect(classifyError(unusable, 'stdio').kind).toBe('protocol');
  });

  it('reads a refused protocol version as protocol, naming the versions the server speaks', () => {
    const refused = new UnsupportedProtocolVersionError({
      supported: ['2026-07-28'],
      requested: '2025-11-25',
    });
    expect(isVersionRejected(refused)).toBe(true);
    const c = classifyError(refused, 'stdio');
    expect(c.kind).toBe('protocol');
    expect(c.message).toMatch(/requested 2025-11-25; the server supports 2026-07-28/);
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
    expect(isSessionExpired(httpError(404, 'Session not found'))).toBe(true);
    expect(isSessionExpired(new Error('Error POSTing to endpoint (HTTP 404): gone'))).toBe(true);
    expect(isSessionExpired(httpError(500, 'x'))).toBe(false);
  });

  it('recognises method-not-found', () => {
    expect(isMethodNotFound(new ProtocolError(-32601, 'Method not found'))).toBe(true);
    expect(isMethodNotFound(new UpstreamRpcError(-32601, 'Method not found'))).toBe(true);
    expect(isMethodNotFound(new ProtocolError(-32603, 'x'))).toBe(false);
  });
});
