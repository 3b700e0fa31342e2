import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An operator authorization under way: its state (hashed) until the callback takes it. */
@Entity({ name: 'mcp_oauth_authorizations', schema: 'omni2' })
export class OAuthAuthorizationEntity {
  /** SHA-256 of the state: the state itself only ever travels in the operator's browser. */
  @PrimaryColumn({ name: 'state_hash', type: 'text' })
  state_hash!: string;

  @Column({ name: 'server_id', type: 'uuid' })
  server_id!: string;

  /** Sealed: the PKCE verifier, discovery and client the callback continues with. */
  @Column({ name: 'pending', type: 'text' })
  pending!: string;

  /** JSON of the requester ({ kind, id, name }) for the callback's audit entry. */
  @Column({ name: 'requested_by', type: 'text' })
  requested_by!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expires_at!: Date;
}
