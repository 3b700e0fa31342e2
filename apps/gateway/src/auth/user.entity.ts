import type { Role } from '@omni2/contracts';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'users', schema: 'omni2' })
export class UserEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id!: string;

  @Column({ name: 'username', type: 'text' })
  username!: string;

  @Column({ name: 'password_hash', type: 'text' })
  password_hash!: string;

  @Column({ name: 'role', type: 'text' })
  role!: Role;

  @Column({ name: 'disabled', type: 'boolean', default: false })
  disabled!: boolean;

  @Column({ name: 'tokens_valid_after', type: 'timestamptz', default: () => 'now()' })
  tokens_valid_after!: Date;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  last_login_at!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()', update: false })
  created_at!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updated_at!: Date;
}
