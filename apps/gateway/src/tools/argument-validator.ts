import { Injectable, Logger } from '@nestjs/common';
import type { FieldError, JsonSchema } from '@omni2/contracts';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const MAX_CACHED = 2_000;

function fieldOf(error: ErrorObject, root: string): string {
  const path = error.instancePath
    .split('/')
    .filter(Boolean)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required') {
    path.push(String((error.params as { missingProperty: string }).missingProperty));
  }
  if (error.keyword === 'additionalProperties') {
    path.push(String((error.params as { additionalProperty: string }).additionalProperty));
  }
  return [root, ...path].join('.');
}

function messageOf(error: ErrorObject, root: string): string {
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'additionalProperties') {
    return root === 'arguments' ? 'is not a parameter of this tool' : 'is not in the schema';
  }
  return error.message ?? 'is invalid';
}

/**
 * Checks tool arguments against the tool's input schema before anything is sent upstream, so
 * a bad call fails fast with the field named. Compiled validators are cached by schema text.
 */
@Injectable()
export class ArgumentValidator {
  private readonly log = new Logger('tools');
  private readonly draft7 = addFormats(new Ajv({ allErrors: true, strict: false }));
  private readonly draft2020 = addFormats(new Ajv2020({ allErrors: true, strict: false }));
  private readonly compiled = new Map<string, ValidateFunction | null>();

  /** Problems of `value` against `schema`, each naming its field under `root`. */
  validate(schema: JsonSchema, value: Record<string, unknown>, root = 'arguments'): FieldError[] {
    const validator = this.validatorFor(schema);
    if (!validator || validator(value)) return [];
    return (validator.errors ?? []).map((e) => ({
      field: fieldOf(e, root),
      message: messageOf(e, root),
    }));
  }

  private validatorFor(schema: JsonSchema): ValidateFunction | null {
    const key = JSON.stringify(schema);
    const hit = this.compiled.get(key);
    if (hit !== undefined) return hit;
    let validator: ValidateFunction | null = null;
    try {
      const uses2020 = typeof schema.$schema === 'string' && schema.$schema.includes('2020-12');
      validator = (uses2020 ? this.draft2020 : this.draft7).compile(schema);
    } catch (error) {
      // An upstream schema we cannot compile is the upstream's to enforce; do not block calls.
      this.log.warn(`tool schema does not compile, arguments not pre-validated: ${String(error)}`);
    }
    if (this.compiled.size >= MAX_CACHED) this.compiled.clear();
    this.compiled.set(key, validator);
    return validator;
  }
}
