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

interface Frame {
  value: unknown;
  parent: Frame | null;
  key: string | number | null;
  depth: number;
  /** Inside a pass-through field: any text allowed. */
  free: boolean;
}

/** The dotted path of a frame, built only when a problem is reported (at most `limit` parts). */
function pathOf(frame: Frame, limit = Infinity): string {
  const parts: (string | number)[] = [];
  for (let f: Frame | null = frame; f?.key != null; f = f.parent) parts.push(f.key);
  parts.reverse();
  return parts.length === 0 ? '(body)' : parts.slice(0, limit).map(String).join('.');
}

/**
 * The first problem in a parsed JSON body: nesting deeper than MAX_BODY_DEPTH, or a key or string
 * no store accepts (outside the pass-through fields). Iterative, with constant work per value
 * (paths are built only for the problem reported), so no body can overflow a stack or stall the
 * event loop here.
 */
export function bodyProblem(body: unknown, passThrough: readonly string[] = []): FieldError | null {
  const root: Frame = { value: body, parent: null, key: null, depth: 0, free: false };
  if (typeof body === 'string') {
    const reason = unstorableReason(body);
    return reason ? { field: '(body)', message: reason } : null;
  }
  // Strings are checked where they stand and only objects get a frame: a wide array of scalars or
  // strings costs a loop, not an allocation per element.
  const stack: Frame[] = typeof body === 'object' && body !== null ? [root] : [];
  const child = (
    parent: Frame,
    key: string | number,
    item: unknown,
    free: boolean,
  ): FieldError | null => {
    if (typeof item === 'string') {
      const reason = free ? null : unstorableReason(item);
      if (!reason) return null;
      const at: Frame = { value: item, parent, key, depth: parent.depth + 1, free };
      return { field: pathOf(at), message: reason };
    }
    if (typeof item === 'object' && item !== null) {
      stack.push({ value: item, parent, key, depth: parent.depth + 1, free });
    }
    return null;
  };
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.depth >= MAX_BODY_DEPTH) {
      return { field: pathOf(frame, 3), message: `is nested deeper than ${MAX_BODY_DEPTH} levels` };
    }
    if (Array.isArray(frame.value)) {
      const items: unknown[] = frame.value;
      for (let i = items.length - 1; i >= 0; i--) {
        const problem = child(frame, i, items[i], frame.free);
        if (problem) return problem;
      }
      continue;
    }
    const entries = Object.entries(frame.value as Record<string, unknown>);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i];
      const keyReason = frame.free ? null : unstorableReason(key);
      if (keyReason) return { field: pathOf(frame), message: `has a key that ${keyReason}` };
      const free = frame.free || (frame.depth === 0 && passThrough.includes(key));
      const problem = child(frame, key, item, free);
      if (problem) return problem;
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
