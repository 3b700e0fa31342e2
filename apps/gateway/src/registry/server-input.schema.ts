import {
  AUTH_TYPES,
  PROTOCOLS,
  SERVER_NAME_PATTERN,
  SERVER_STATUSES,
  type AuthType,
} from '@omni2/contracts';
import { z } from 'zod';
import { singleLineReason } from '../common/text-safety';
import { oauthSettingsSchema } from '../oauth/oauth-settings';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** A one-line value: control characters would change what a path, command or URL means. */
const singleLine = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((value, ctx) => {
      const reason = singleLineReason(value);
      if (reason) ctx.addIssue({ code: 'custom', message: reason });
    });

const httpUrl = z
  .string()
  .max(2048)
  // The URL parser would quietly drop leading spaces, tabs and line breaks: refused instead, so
  // what is stored is what was typed.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  .regex(/^[^\s\u0000-\u001f\u007f-\u009f]*$/, 'must not contain spaces or control characters')
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return url.protocol === 'http:' || url.protocol === 'https:';
      } catch {
        return false;
      }
    },
    { message: 'must be an absolute http:// or https:// URL' },
  );

// What HTTP can carry in a header value (RFC 9110 field-value as a byte string): no control
// characters but tab, nothing above U+00FF. Refused here rather than failing every connection.
const headerValue = z
  .string()
  .max(8192)
  .regex(/^[^\r\n]*$/, 'must not contain line breaks')
  .regex(
    /^[\t\u0020-\u007e\u0080-\u00ff]*$/,
    'must not contain control characters or characters beyond U+00FF',
  );

export const AUTH_CONFIG_SCHEMAS: Record<
  Exclude<AuthType, 'none'>,
  z.ZodType<Record<string, unknown>>
> = {
  bearer: z.object({ token: headerValue.min(1, 'is required') }).strict(),
  api_key: z
    .object({
      key: headerValue.min(1, 'is required'),
      header_name: z.string().regex(HEADER_NAME, 'must be a valid HTTP header name').optional(),
    })
    .strict(),
  basic: z
    .object({
      username: singleLine(1024)
        .min(1, 'is required')
        .regex(/^[^:]*$/, 'must not contain ":"'),
      password: z.string().max(1024),
    })
    .strict(),
  headers: z
    .object({
      headers: z
        .record(z.string().regex(HEADER_NAME, 'must be a valid HTTP header name'), headerValue)
        .refine((h) => Object.keys(h).length > 0, 'must name at least one header'),
    })
    .strict(),
  oauth: oauthSettingsSchema,
};

/** Every field an operator can set. Nullable fields accept null to clear them on PATCH. */
const fields = {
  name: z
    .string({ message: 'is required' })
    .regex(
      SERVER_NAME_PATTERN,
      'must be 1-63 characters of lowercase letters, digits, "-" or "_", starting with a letter or digit',
    ),
  description: z.string().max(2000).nullable(),
  protocol: z.enum(PROTOCOLS, { message: `must be one of ${PROTOCOLS.join(', ')}` }),
  url: httpUrl.nullable(),
  command: singleLine(4096).min(1).nullable(),
  args: z.array(z.string().max(8192)).max(256),
  env: z.record(
    z.string().regex(ENV_NAME, 'must be a valid environment variable name'),
    z.string().max(32_768),
  ),
  cwd: singleLine(4096).min(1).nullable(),
  timeout_seconds: z.number().int().min(1).max(3600),
  auth_type: z.enum(AUTH_TYPES, { message: `must be one of ${AUTH_TYPES.join(', ')}` }),
  auth_config: z.record(z.string(), z.unknown()).nullable(),
  status: z.enum(SERVER_STATUSES, { message: `must be one of ${SERVER_STATUSES.join(', ')}` }),
};

export const createServerSchema = z
  .object({
    ...fields,
    description: fields.description.optional(),
    url: fields.url.optional(),
    command: fields.command.optional(),
    args: fields.args.optional(),
    env: fields.env.optional(),
    cwd: fields.cwd.optional(),
    timeout_seconds: fields.timeout_seconds.optional(),
    auth_type: fields.auth_type.optional(),
    auth_config: fields.auth_config.optional(),
    status: fields.status.optional(),
  })
  .strict();

export const updateServerSchema = z.object(fields).partial().strict();

export type CreateServerInput = z.infer<typeof createServerSchema>;
export type UpdateServerInput = z.infer<typeof updateServerSchema>;

/** A complete server definition, after defaults and (for PATCH) merging with the stored row. */
export const serverDefinitionSchema = z
  .object({
    name: fields.name,
    description: fields.description,
    protocol: fields.protocol,
    url: fields.url,
    command: fields.command,
    args: fields.args,
    env: fields.env,
    cwd: fields.cwd,
    timeout_seconds: fields.timeout_seconds,
    auth_type: fields.auth_type,
    auth_config: fields.auth_config,
    status: fields.status,
  })
  .superRefine((def, ctx) => {
    const problem = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (def.protocol === 'stdio') {
      if (!def.command) problem('command', 'is required when protocol is stdio');
      if (def.url) problem('url', 'must be empty when protocol is stdio');
      if (def.auth_type !== 'none') {
        problem('auth_type', 'must be none for stdio servers (pass credentials in env)');
      }
    } else {
      if (!def.url) problem('url', `is required when protocol is ${def.protocol}`);
      if (def.command) problem('command', 'is only allowed when protocol is stdio');
      if (def.args.length > 0) problem('args', 'are only allowed when protocol is stdio');
      if (Object.keys(def.env).length > 0) problem('env', 'is only allowed when protocol is stdio');
      if (def.cwd) problem('cwd', 'is only allowed when protocol is stdio');
    }
    if (def.auth_type === 'none') {
      if (def.auth_config && Object.keys(def.auth_config).length > 0) {
        problem('auth_config', 'must be empty when auth_type is none');
      }
      return;
    }
    if (!def.auth_config) {
      problem('auth_config', `is required when auth_type is ${def.auth_type}`);
      return;
    }
    const parsed = AUTH_CONFIG_SCHEMAS[def.auth_type].safeParse(def.auth_config);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        // An unknown key is named as the field, as it is at the top level of a body.
        const paths =
          issue.code === 'unrecognized_keys'
            ? issue.keys.map((key) => [...issue.path, key])
            : [issue.path];
        for (const path of paths) {
          ctx.addIssue({
            code: 'custom',
            path: ['auth_config', ...path],
            message: issue.code === 'unrecognized_keys' ? 'is not a known field' : issue.message,
          });
        }
      }
    }
  });

export type ServerDefinition = z.infer<typeof serverDefinitionSchema>;

export function definitionFromCreate(input: CreateServerInput): unknown {
  return {
    name: input.name,
    description: input.description ?? null,
    protocol: input.protocol,
    url: input.url ?? null,
    command: input.command ?? null,
    args: input.args ?? [],
    env: input.env ?? {},
    cwd: input.cwd ?? null,
    timeout_seconds: input.timeout_seconds ?? 30,
    auth_type: input.auth_type ?? 'none',
    auth_config: input.auth_config ?? null,
    status: input.status ?? 'active',
  };
}
