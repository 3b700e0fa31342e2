import { SetMetadata } from '@nestjs/common';
import type { FieldError } from '@omni2/contracts';
import { singleLineReason, unstorableReason } from './text-safety';

/**
 * How deep a request body may nest. Far beyond any real body (tool arguments included), and far
 * below what would exhaust a stack anywhere on the way (validation, redaction, serialization).
 */
export const MAX_BODY_DEPTH = 64;

export const PASS_THROUGH_METADATA = 'omni2:pass-through-json';

/**
 * Body fields omni2 forwards without storing them (tool arguments): their strings and keys may
 * hold any JSON text. Depth is still bounded.
 */
export const PassThroughJson = (...fields: string[]) => SetMetadata(PASS_THROUGH_METADATA, fields);

const fieldPath = (path: readonly (string | number)[]) =>
  path.length === 0 ? '(body)' : path.map(String).join('.');

/**
 * The first problem in a parsed JSON body: nesting deeper than MAX_BODY_DEPTH, or a key or string
 * no store accepts (outside the pass-through fields). Iterative, so no input can overflow it.
 */
export function bodyProblem(body: unknown, passThrough: readonly string[] = []): FieldError | null {
  const stack: { value: unknown; path: (string | number)[]; free: boolean }[] = [
    { value: body, path: [], free: false },
  ];
  while (stack.length > 0) {
    const { value, path, free } = stack.pop()!;
    if (typeof value === 'string') {
      const reason = free ? null : unstorableReason(value);
      if (reason) return { field: fieldPath(path), message: reason };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (path.length >= MAX_BODY_DEPTH) {
      return {
        field: fieldPath(path.slice(0, 3)),
        message: `is nested deeper than ${MAX_BODY_DEPTH} levels`,
      };
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, path: [...path, i], free }));
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      const childFree = free || (path.length === 0 && passThrough.includes(key));
      const keyReason = free ? null : unstorableReason(key);
      if (keyReason) return { field: fieldPath(path), message: `has a key that ${keyReason}` };
      stack.push({ value: item, path: [...path, key], free: childFree });
    }
  }
  return null;
}

/** Route parameters and query values are single-line text: no control characters at all. */
export function urlPartsProblem(
  params: Record<string, unknown>,
  query: Record<string, unknown>,
): FieldError | null {
  for (const [name, value] of Object.entries(params)) {
    const reason = typeof value === 'string' ? singleLineReason(value) : null;
    if (reason) return { field: name, message: reason };
  }
  for (const [name, value] of Object.entries(query)) {
    const nameReason = singleLineReason(name);
    if (nameReason) return { field: 'query', message: `has a parameter name that ${nameReason}` };
    for (const item of Array.isArray(value) ? value : [value]) {
      const reason = typeof item === 'string' ? singleLineReason(item) : null;
      if (reason) return { field: name, message: reason };
    }
  }
  return null;
}
