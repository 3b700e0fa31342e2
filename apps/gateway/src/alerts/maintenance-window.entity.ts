import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ServerScope } from './alert-rule.entity';

/**
 * A maintenance window (SPEC §12): one-off (`starts_at`..`ends_at`) or recurring (a cron
 * `recurrence`, in UTC, each occurrence lasting `duration_seconds`, none before `starts_at` nor
 * after `ends_at` when set). While one covers a server its alerts are held and the breaker
 * does not auto-disable it.
 */
@Entity({ name: 'maintenance_windows', schema: 'omni2' })
export class MaintenanceWindowEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id!: string;

  @Column({ name: 'name', type: 'text' })
  name!: string;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  starts_at!: Date;

  @Column({ name: 'ends_at', type: 'timestamptz', nullable: true })
  ends_at!: Date | null;

  @Column({ name: 'recurrence', type: 'text', nullable: true })
  recurrence!: string | null;

  @Column({ name: 'duration_seconds', type: 'integer', nullable: true })
  duration_seconds!: number | null;

  @Column({ name: 'server_scope', type: 'text', default: 'all' })
  server_scope!: ServerScope;

  @Column({ name: 'server_ids', type: 'uuid', array: true, default: () => `'{}'` })
  server_ids!: string[];

  @Column({ name: 'name_pattern', type: 'text', nullable: true })
  name_pattern!: string | null;

  @Column({ name: 'created_by', type: 'text' })
  created_by!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  created_at!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updated_at!: Date;
}
