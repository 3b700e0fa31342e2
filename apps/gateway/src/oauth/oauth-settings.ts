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
    if (s.grant === 'client_credentials' && (!s.client_id || !s.client_secret)) {
      ctx.addIssue({
        code: 'custom',
        path: [s.client_id ? 'client_secret' : 'client_id'],
        message: 'is required for the client_credentials grant',
      });
    }
  });

export type OAuthSettings = z.infer<typeof oauthSettingsSchema>;
