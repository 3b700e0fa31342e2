import type { Protocol } from '@omni2/contracts';
import { DomainError } from '../common/domain-error';
import { classifyError } from './error-classifier';

/** An upstream failure as the API reports it: 504 for timeouts, 502 otherwise, with the kind. */
export function upstreamFailure(
  error: unknown,
  protocol: Protocol,
  name: string,
  secrets: readonly string[] = [],
): DomainError {
  if (error instanceof DomainError) return error;
  const { kind, message } = classifyError(error, protocol, secrets);
  return new DomainError(
    kind === 'timeout' ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE',
    `upstream "${name}" failed (${kind}): ${message}`,
    undefined,
    { error_kind: kind },
  );
}
