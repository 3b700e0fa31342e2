import type { JsonSchema } from '@omni2/contracts';

/**
 * How one schema node is edited in the generated form. `multi` is a list of choices (an array
 * of enum items, elicitation's multi-select); `json` is the raw-JSON fallback.
 */
export type FieldKind =
  'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'multi' | 'array' | 'object' | 'json';

/** One option of an enum field: the value sent, and what the operator sees. */
export interface Choice {
  value: unknown;
  label: string;
}

function asSchema(value: unknown): JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonSchema)
    : {};
}

/** `anyOf: [X, {type: null}]` and `type: [X, "null"]` are edited as X. */
export function unwrapNullable(schema: JsonSchema): JsonSchema {
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options)) {
      const nonNull = options.map(asSchema).filter((o) => o['type'] !== 'null');
      if (nonNull.length === 1 && options.length === 2) {
        const rest: JsonSchema = { ...schema };
        delete rest[key];
        return { ...rest, ...nonNull[0] };
      }
    }
  }
  const type = schema['type'];
  if (Array.isArray(type)) {
    const nonNull = type.filter((t) => t !== 'null');
    if (nonNull.length === 1) return { ...schema, type: nonNull[0] };
  }
  return schema;
}

/**
 * The options of `oneOf`/`anyOf: [{const, title}, …]` (titled enums, SEP-1330), or null when
 * the list is not made only of constants (a `{type: 'null'}` option is allowed and skipped).
 */
function titledConsts(schema: JsonSchema): Choice[] | null {
  for (const key of ['oneOf', 'anyOf'] as const) {
    const options = schema[key];
    if (!Array.isArray(options)) continue;
    const consts = options.map(asSchema).filter((o) => o['type'] !== 'null');
    if (consts.length === 0 || !consts.every((o) => 'const' in o)) return null;
    return consts.map((o) => ({ value: o['const'], label: labelOf(o['const'], o['title']) }));
  }
  return null;
}

function labelOf(value: unknown, title: unknown): string {
  if (typeof title === 'string' && title !== '') return title;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The options of an enum node with what to show for each: `enum` (labelled by the legacy
 * `enumNames` when present), titled `oneOf`/`anyOf` constants, or a single `const`.
 */
export function enumChoices(raw: JsonSchema): Choice[] {
  const schema = unwrapNullable(raw);
  const values = schema['enum'];
  if (Array.isArray(values)) {
    const names: unknown[] = Array.isArray(schema['enumNames']) ? schema['enumNames'] : [];
    return values.map((v: unknown, i) => ({ value: v, label: labelOf(v, names[i]) }));
  }
  const titled = titledConsts(schema);
  if (titled) return titled;
  return 'const' in schema
    ? [{ value: schema['const'], label: labelOf(schema['const'], schema['title']) }]
    : [];
}

export function fieldKind(raw: JsonSchema): FieldKind {
  const schema = unwrapNullable(raw);
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return 'enum';
  if ('const' in schema) return 'enum';
  if (titledConsts(schema)) return 'enum';
  switch (schema['type']) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'integer':
      return 'integer';
    case 'boolean':
      return 'boolean';
    case 'array':
      return fieldKind(itemSchema(schema)) === 'enum' ? 'multi' : 'array';
    case 'object':
      return 'object';
    case undefined:
      return typeof schema['properties'] === 'object' ? 'object' : 'json';
    default:
      return 'json';
  }
}

export function enumOptions(raw: JsonSchema): unknown[] {
  return enumChoices(raw).map((c) => c.value);
}

function offered(schema: JsonSchema, value: unknown): boolean {
  return enumOptions(schema).some((o) => JSON.stringify(o) === JSON.stringify(value));
}

export function properties(raw: JsonSchema): [string, JsonSchema][] {
  const props = asSchema(unwrapNullable(raw)['properties']);
  return Object.entries(props).map(([name, value]) => [name, asSchema(value)]);
}

export function requiredNames(raw: JsonSchema): string[] {
  const required = unwrapNullable(raw)['required'];
  return Array.isArray(required) ? required.filter((r): r is string => typeof r === 'string') : [];
}

export function itemSchema(raw: JsonSchema): JsonSchema {
  return asSchema(unwrapNullable(raw)['items']);
}

/** True for an object schema whose keys are free (a map): edited as raw JSON. */
export function isFreeObject(raw: JsonSchema): boolean {
  return fieldKind(raw) === 'object' && properties(raw).length === 0;
}

/**
 * The starting value of a form: the schema's defaults; required booleans start false and
 * required objects and arrays start empty; anything else starts absent (undefined).
 */
export function initialValue(raw: JsonSchema, required = true): unknown {
  const schema = unwrapNullable(raw);
  if ('default' in schema) return structuredClone(schema['default']);
  switch (fieldKind(schema)) {
    case 'object': {
      if (!required) return undefined;
      const result: Record<string, unknown> = {};
      const needed = requiredNames(schema);
      for (const [name, child] of properties(schema)) {
        const value = initialValue(child, needed.includes(name));
        if (value !== undefined) result[name] = value;
      }
      return result;
    }
    case 'array':
    case 'multi':
      return required ? [] : undefined;
    case 'boolean':
      return required ? false : undefined;
    case 'string':
    case 'number':
    case 'integer':
    case 'enum':
    case 'json':
      return undefined;
  }
}

/**
 * What the form's value misses before it is sent: required fields left empty, integers that are
 * not, numbers out of bounds, enum values not offered. Keys are dotted paths. The gateway
 * validates again (authoritatively) and its answer is shown the same way.
 */
export function validate(raw: JsonSchema, value: unknown, path = ''): Map<string, string> {
  const problems = new Map<string, string>();
  const schema = unwrapNullable(raw);
  const kind = fieldKind(schema);
  if (value === undefined || value === null) return problems;
  switch (kind) {
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || Number.isNaN(value)) {
        problems.set(path, 'must be a number');
        break;
      }
      if (kind === 'integer' && !Number.isInteger(value)) problems.set(path, 'must be an integer');
      const min = schema['minimum'];
      const max = schema['maximum'];
      if (typeof min === 'number' && value < min) problems.set(path, `must be ≥ ${min}`);
      if (typeof max === 'number' && value > max) problems.set(path, `must be ≤ ${max}`);
      break;
    }
    case 'string': {
      if (typeof value !== 'string') {
        problems.set(path, 'must be text');
        break;
      }
      const minLength = schema['minLength'];
      const maxLength = schema['maxLength'];
      if (typeof minLength === 'number' && value.length < minLength) {
        problems.set(path, `must be at least ${minLength} characters`);
      }
      if (typeof maxLength === 'number' && value.length > maxLength) {
        problems.set(path, `must be at most ${maxLength} characters`);
      }
      const pattern = schema['pattern'];
      if (typeof pattern === 'string') {
        try {
          if (!new RegExp(pattern, 'u').test(value)) problems.set(path, `must match ${pattern}`);
        } catch {
          // A pattern this browser cannot compile: leave it to the gateway.
        }
      }
      break;
    }
    case 'enum':
      if (!offered(schema, value)) problems.set(path, 'must be one of the listed values');
      break;
    case 'multi': {
      if (!Array.isArray(value)) {
        problems.set(path, 'must be a list');
        break;
      }
      const minItems = schema['minItems'];
      const maxItems = schema['maxItems'];
      if (value.some((v) => !offered(itemSchema(schema), v))) {
        problems.set(path, 'must be among the listed values');
      } else if (typeof minItems === 'number' && value.length < minItems) {
        problems.set(path, `pick at least ${minItems}`);
      } else if (typeof maxItems === 'number' && value.length > maxItems) {
        problems.set(path, `pick at most ${maxItems}`);
      }
      break;
    }
    case 'array':
      if (!Array.isArray(value)) {
        problems.set(path, 'must be a list');
        break;
      }
      value.forEach((item, i) => {
        for (const [p, m] of validate(itemSchema(schema), item, join(path, String(i))))
          problems.set(p, m);
      });
      break;
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) {
        problems.set(path, 'must be an object');
        break;
      }
      const record = value as Record<string, unknown>;
      for (const name of requiredNames(schema)) {
        const v = record[name];
        if (v === undefined || v === '') problems.set(join(path, name), 'is required');
      }
      for (const [name, child] of properties(schema)) {
        for (const [p, m] of validate(child, record[name], join(path, name))) problems.set(p, m);
      }
      break;
    }
    case 'boolean':
      if (typeof value !== 'boolean') problems.set(path, 'must be true or false');
      break;
    case 'json':
      break;
  }
  return problems;
}

export function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** Drops absent optional values so the upstream sees only what the operator filled in. */
export function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) out[k] = prune(v);
    }
    return out;
  }
  return value;
}
