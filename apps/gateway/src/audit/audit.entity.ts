import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'audit_log', schema: 'omni2' })
export class AuditEntity {
  @PrimaryGeneratedColumn('increment', { name: 'id', type: 'bigint' })
  id!: string;

  @Column({ name: 'actor', type: 'text' })
  actor!: string;

  @Column({ name: 'actor_kind', type: 'text' })
  actor_kind!: 'user' | 'api_key' | 'system';

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actor_id!: string | null;

  @Column({ name: 'action', type: 'text' })
  action!: string;

  @Column({ name: 'target_type', type: 'text', nullable: true })
  target_type!: string | null;

  @Column({ name: 'target_id', type: 'text', nullable: true })
  target_id!: string | null;

  @Column({ name: 'target_name', type: 'text', nullable: true })
  target_name!: string | null;

  @Column({ name: 'details', type: 'jsonb', default: () => `'{}'::jsonb` })
  details!: Record<string, unknown>;

  @Column({ name: 'ip', type: 'text', nullable: true })
  ip!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;
}
