import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A server's OAuth tokens (sealed) and the row lock renewals take. */
@Entity({ name: 'mcp_oauth_tokens', schema: 'omni2' })
export class OAuthTokenEntity {
  @PrimaryColumn({ name: 'server_id', type: 'uuid' })
  server_id!: string;

  /** Sealed StoredTokens (SecretCodec, field `oauth_tokens`). */
  @Column({ name: 'tokens', type: 'text', nullable: true })
  tokens!: string | null;

  /**
   * Sealed StoredClient: the client omni2 is at the authorization server for this server
   * (registered dynamically, its metadata document, or pre-registered), for refreshes.
   */
  @Column({ name: 'client', type: 'text', nullable: true })
  client!: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expires_at!: Date | null;

  /** Tokens obtained for this server so far (a grant or a refresh each). */
  @Column({ name: 'renewals', type: 'integer', default: 0 })
  renewals!: number;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updated_at!: Date;
}
