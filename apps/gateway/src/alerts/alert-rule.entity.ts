import type { AlertEvent } from '@omni2/contracts';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ServerScope = 'all' | 'list' | 'pattern';

/** Which events, for which servers, after what, to which channels (SPEC §12). */
@Entity({ name: 'alert_rules', schema: 'omni2' })
export class AlertRuleEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id!: string;

  @Column({ name: 'name', type: 'text' })
  name!: string;

  @Column({ name: 'events', type: 'text', array: true })
  events!: AlertEvent[];

  @Column({ name: 'server_scope', type: 'text', default: 'all' })
  server_scope!: ServerScope;

  @Column({ name: 'server_ids', type: 'uuid', array: true, default: () => `'{}'` })
  server_ids!: string[];

  @Column({ name: 'name_pattern', type: 'text', nullable: true })
  name_pattern!: string | null;

  /** server_down: this many failed checks in a row (null: when the circuit opens). */
  @Column({ name: 'min_failures', type: 'integer', nullable: true })
  min_failures!: number | null;

  /** server_down: only once it has been failing this long. */
  @Column({ name: 'min_duration_seconds', type: 'integer', default: 0 })
  min_duration_seconds!: number;

  @Column({ name: 'reminder_interval_seconds', type: 'integer', nullable: true })
  reminder_interval_seconds!: number | null;

  @Column({ name: 'send_recovery', type: 'boolean', default: true })
  send_recovery!: boolean;

  @Column({ name: 'channel_ids', type: 'uuid', array: true })
  channel_ids!: string[];

  @Column({ name: 'enabled', type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  created_at!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updated_at!: Date;
}
