import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { ConfigChangeListener } from './config-change-listener';
import { ConfigController } from './config.controller';
import { SettingsService } from './settings.service';

/** GET/PUT /config, and dropping the settings cache when another replica changes a setting. */
@Module({
  imports: [ConfigModule],
  controllers: [ConfigController],
  providers: [SettingsService, ConfigChangeListener],
})
export class SettingsModule {}
