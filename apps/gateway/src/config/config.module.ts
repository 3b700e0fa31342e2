import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommonModule } from '../common/common.module';
import { RuntimeConfigEntity } from './runtime-config.entity';
import { RuntimeConfigService } from './runtime-config.service';

/** Runtime settings stored in the database (read side); editing them is SettingsModule's job. */
@Module({
  imports: [TypeOrmModule.forFeature([RuntimeConfigEntity]), CommonModule],
  providers: [RuntimeConfigService],
  exports: [RuntimeConfigService],
})
export class ConfigModule {}
