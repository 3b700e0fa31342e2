import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'omni2_config', schema: 'omni2' })
export class RuntimeConfigEntity {
  @PrimaryColumn({ name: 'key', type: 'text' })
  key!: string;

  @Column({ name: 'value', type: 'jsonb' })
  value!: unknown;

  @Column({ name: 'updated_at', type: 'timestamptz', insert: false, update: false })
  updated_at!: Date;
}
