import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ErrorKind, HealthLogEventType, HealthStatus } from '@omni2/contracts';

@Entity({ name: 'mcp_health_log', schema: 'omni2' })
export class HealthLogEntity {
  @PrimaryGeneratedColumn('increment', { name: 'id', type: 'bigint' })
  id!: string;

  @Column({ name: 'server_id', type: 'uuid' })
  server_id!: string;

  @Column({ name: 'event_type', type: 'text' })
  event_type!: HealthLogEventType;

  @Column({ name: 'status', type: 'text' })
  status!: HealthStatus;

  @Column({ name: 'response_time_ms', type: 'double precision', nullable: true })
  response_time_ms!: number | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  error_message!: string | null;

  @Column({ name: 'error_kind', type: 'text', nullable: true })
  error_kind!: ErrorKind | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  created_at!: Date;
}
