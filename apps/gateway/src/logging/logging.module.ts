import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { LogSettingsApplier } from './log-settings.applier';

/** Applies the stored logging settings to the running logger, now and when they change. */
@Module({ imports: [ConfigModule], providers: [LogSettingsApplier] })
export class LoggingModule {}
