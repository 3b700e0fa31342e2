import type { Role } from '@omni2/contracts';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'api_keys', schema: 'omni2' })
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id!: string;

  @Column({ name: 'name', type: 'text' })
  name!: string;

  @Column({ name: 'role', type: 'text' })
  role!: Role;

  @Column({ name: 'prefix', type: 'text' })
  prefix!: string;

  /** SHA-256 of the key; the key itself is shown once and never stored. */
  @Column({ name: 'key_hash', type: 'text' })
  key_hash!: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  created_by!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()', update: false })
  created_at!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expires_at!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  last_used_at!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revoked_at!: Date | null;
}
