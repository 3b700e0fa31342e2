import { z } from 'zod';

/** RFC 6749 §3.3: a scope token is printable ASCII without space, `"` or `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * `auth_config` of a server with `auth_type: "oauth"` (SPEC §11): what the operator knows. The
 * authorization server, its endpoints and the resource are discovered from the MCP server.
 */
export const oauthSettingsSchema = z
  .object({
    grant: z.enum(['client_credentials', 'authorization_code']),
    client_id: z.string().trim().min(1).max(500).optional(),
    client_secret: z.string().min(1).max(4_000).optional(),
    /** private_key_jwt (RFC 7523): the client signs an assertion instead of sending a secret. */
    private_key: z
      .string()
      .max(16_000)
      .regex(
        /^-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+-----END [A-Z ]*PRIVATE KEY-----\s*$/,
        'must be a PEM private key',
      )
      .optional(),
    signing_algorithm: z
      .enum([
        'RS256',
        'RS384',
        'RS512',
        'PS256',
        'PS384',
        'PS512',
        'ES256',
        'ES384',
        'ES512',
        'EdDSA',
      ])
      .optional(),
    scopes: z
      .array(z.string().regex(SCOPE_TOKEN, 'must be an OAuth scope token'))
      .max(50)
      .optional(),
    /** Where the server's RFC 9728 metadata is, when its 401 does not say. */
    resource_metadata_url: z.url({ protocol: /^https?$/ }).optional(),
    /** The authorization server, when the server publishes no metadata at all. */
    authorization_server_url: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const issue = (field: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [field], message });
    if (s.client_secret && s.private_key) {
      issue('private_key', 'must not be given with client_secret: choose one way to authenticate');
    }
    if (s.private_key && !s.signing_algorithm)
      issue('signing_algorithm', 'is required with private_key');
    if (s.grant === 'authorization_code') {
      if (s.private_key) issue('private_key', 'is only for the client_credentials grant');
      if (s.client_secret && !s.client_id) issue('client_id', 'is required with client_secret');
    }
    if (s.grant === 'client_credentials') {
      if (!s.client_id) issue('client_id', 'is required for the client_credentials grant');
      if (!s.client_secret && !s.private_key) {
        issue('client_secret', 'is required for the client_credentials grant (or private_key)');
      }
    }
  });

export type OAuthSettings = z.infer<typeof oauthSettingsSchema>;
