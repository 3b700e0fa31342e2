import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type {
  AuthType,
  CapabilityCounts,
  CircuitState,
  DisabledReason,
  ErrorKind,
  HealthStatus,
  Protocol,
  ProtocolEra,
  ServerStatus,
} from '@omni2/contracts';

/** Numeric columns arrive from pg as strings for bigint; this keeps them numbers. */
const bigintAsNumber = {
  to: (value: number) => value,
  from: (value: string | number | null) => (value === null ? 0 : Number(value)),
};

@Entity({ name: 'mcp_servers', schema: 'omni2' })
export class McpServerEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id!: string;

  @Column({ name: 'name', type: 'text' })
  name!: string;

  @Column({ name: 'description', type: 'text', nullable: true })
  description!: string | null;

  @Column({ name: 'protocol', type: 'text' })
  protocol!: Protocol;

  @Column({ name: 'url', type: 'text', nullable: true })
  url!: string | null;

  @Column({ name: 'command', type: 'text', nullable: true })
  command!: string | null;

  @Column({ name: 'args', type: 'jsonb', default: () => `'[]'::jsonb` })
  args!: string[];

  /** Sealed by SecretCodec: never read this column without opening it. */
  @Column({ name: 'env', type: 'text', nullable: true })
  env!: string | null;

  @Column({ name: 'cwd', type: 'text', nullable: true })
  cwd!: string | null;

  @Column({ name: 'timeout_seconds', type: 'integer', default: 30 })
  timeout_seconds!: number;

  @Column({ name: 'auth_type', type: 'text', default: 'none' })
  auth_type!: AuthType;

  /** Sealed by SecretCodec. */
  @Column({ name: 'auth_config', type: 'text', nullable: true })
  auth_config!: string | null;

  @Column({ name: 'status', type: 'text', default: 'active' })
  status!: ServerStatus;

  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabled_reason!: DisabledReason | null;

  @Column({ name: 'health_status', type: 'text', default: 'unknown' })
  health_status!: HealthStatus;

  /** SPEC §11: the last check found no usable OAuth authorization. */
  @Column({ name: 'auth_required', type: 'boolean', default: false })
  auth_required!: boolean;

  @Column({ name: 'circuit_state', type: 'text', default: 'closed' })
  circuit_state!: CircuitState;

  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutive_failures!: number;

  @Column({ name: 'failure_cycles', type: 'integer', default: 0 })
  failure_cycles!: number;

  @Column({ name: 'consecutive_successes', type: 'integer', default: 0 })
  consecutive_successes!: number;

  /** SPEC §10: the era of the last successful contact; null before it or after an edit. */
  @Column({ name: 'protocol_era', type: 'text', nullable: true })
  protocol_era!: ProtocolEra | null;

  @Column({ name: 'protocol_version', type: 'text', nullable: true })
  protocol_version!: string | null;

  /** The breaker's epoch (migration BreakerGeneration): outcomes count only within theirs. */
  @Column({ name: 'circuit_generation', type: 'integer', default: 0 })
  circuit_generation!: number;

  @Column({ name: 'circuit_opened_at', type: 'timestamptz', nullable: true })
  circuit_opened_at!: Date | null;

  @Column({ name: 'open_until', type: 'timestamptz', nullable: true })
  open_until!: Date | null;

  /** When the current outage began (circuit first opened); null while up. */
  @Column({ name: 'down_since', type: 'timestamptz', nullable: true })
  down_since!: Date | null;

  /** The replica holding the check lease; informational. */
  @Column({ name: 'claimed_by', type: 'text', nullable: true })
  claimed_by!: string | null;

  @Column({ name: 'claimed_at', type: 'timestamptz', nullable: true })
  claimed_at!: Date | null;

  /** The replica that last checked the server and so holds its live session. */
  @Column({ name: 'checked_by', type: 'text', nullable: true })
  checked_by!: string | null;

  @Column({ name: 'last_health_check', type: 'timestamptz', nullable: true })
  last_health_check!: Date | null;

  /** Last check that succeeded; null means the server was never seen healthy. */
  @Column({ name: 'last_success_at', type: 'timestamptz', nullable: true })
  last_success_at!: Date | null;

  @Column({ name: 'last_response_time_ms', type: 'double precision', nullable: true })
  last_response_time_ms!: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  last_error!: string | null;

  @Column({ name: 'last_error_kind', type: 'text', nullable: true })
  last_error_kind!: ErrorKind | null;

  @Column({ name: 'last_recovery_attempt', type: 'timestamptz', nullable: true })
  last_recovery_attempt!: Date | null;

  @Column({ name: 'next_check_at', type: 'timestamptz', nullable: true })
  next_check_at!: Date | null;

  @Column({
    name: 'total_downtime_seconds',
    type: 'bigint',
    default: 0,
    transformer: bigintAsNumber,
  })
  total_downtime_seconds!: number;

  @Column({ name: 'error_count', type: 'integer', default: 0 })
  error_count!: number;

  @Column({ name: 'capability_counts', type: 'jsonb', nullable: true })
  capability_counts!: CapabilityCounts | null;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  created_at!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', insert: false, update: false })
  updated_at!: Date;
}
