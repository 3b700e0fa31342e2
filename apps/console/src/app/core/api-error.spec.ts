import { HttpErrorResponse, HttpHeaders } from '@angular/common/http';
import { describeError, toApiError } from './api-error';

describe('toApiError', () => {
  it('keeps the gateway code, field errors and Retry-After', () => {
    const error = toApiError(
      new HttpErrorResponse({
        status: 429,
        headers: new HttpHeaders({ 'retry-after': '12' }),
        error: { statusCode: 429, code: 'RATE_LIMITED', message: 'slow down' },
      }),
    );
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryAfterSeconds).toBe(12);
    expect(describeError(error)).toBe('Rate limited: retry in 12 s');
  });

  it('maps field errors by field', () => {
    const error = toApiError(
      new HttpErrorResponse({
        status: 400,
        error: {
          statusCode: 400,
          code: 'VALIDATION_FAILED',
          message: 'bad',
          errors: [{ field: 'url', message: 'must be an absolute http:// or https:// URL' }],
        },
      }),
    );
    expect(error.fieldError('url')).toBe('must be an absolute http:// or https:// URL');
    expect(error.fieldError('name')).toBeNull();
  });

  it('says the API is unreachable on a network failure', () => {
    const error = toApiError(
      new HttpErrorResponse({ status: 0, error: new ProgressEvent('error') }),
    );
    expect(error.unreachable).toBe(true);
    expect(error.code).toBeNull();
    expect(describeError(error)).toBe('API unreachable: the gateway does not answer');
  });

  it('does not trust a body whose code is not a known ErrorCode', () => {
    const error = toApiError(
      new HttpErrorResponse({ status: 502, statusText: 'Bad Gateway', error: { code: 'NOPE' } }),
    );
    expect(error.code).toBeNull();
    expect(error.message).toBe('The API answered 502 Bad Gateway');
  });
});
