import type { ChannelKind } from '@omni2/contracts';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Where notifications go (SPEC §12). Its config holds secrets and is sealed. */
@Entity({ name: 'alert_channels', schema: 'omni2' })
export class AlertChannelEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id!: string;

  @Column({ name: 'name', type: 'text' })
  name!: string;

  @Column({ name: 'kind', type: 'text' })
  kind!: ChannelKind;

  /** Sealed (SecretCodec, field `alert_config`). */
  @Column({ name: 'config', type: 'text' })
  config!: string;

  @Column({ name: 'enabled', type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  created_at!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updated_at!: Date;
}
