/** SPEC §11: `POST /mcp/servers/:id/oauth/authorize` answers where the operator goes next. */
export interface OAuthAuthorizationStart {
  /** Open this in the operator's browser; it comes back to omni2's `/oauth/callback`. */
  authorization_url: string;
  /** After this the authorization can no longer be completed; start again. */
  expires_at: string;
}
