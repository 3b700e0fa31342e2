import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommonModule } from '../common/common.module';
import { MetricsModule } from '../metrics/metrics.module';
import { OAuthModule } from '../oauth/oauth.module';
import { SecretsModule } from '../secrets/secrets.module';
import { AlertCatalog } from './alert-catalog';
import { AlertChannelEntity } from './alert-channel.entity';
import { AlertRuleEntity } from './alert-rule.entity';
import { AlertStager } from './alert-stager';
import { AlertSweeper } from './alert-sweeper';
import { AlertsAdminService } from './alerts-admin.service';
import { AlertsController } from './alerts.controller';
import { AlertsLoop } from './alerts-loop';
import { MaintenanceWindowEntity } from './maintenance-window.entity';
import { OutboxSender } from './outbox-sender';

/**
 * Alerts and notifications (SPEC §12): rules and windows (AlertCatalog); the staging of
 * notifications into the outbox inside the transactions that change a server (AlertStager,
 * used by CheckRecorder); the sweeper and the outbox sender (AlertsLoop); the admin routes.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([AlertChannelEntity, AlertRuleEntity, MaintenanceWindowEntity]),
    CommonModule,
    SecretsModule,
    MetricsModule,
    // For OMNI2_PUBLIC_URL, the base of the console links notifications carry.
    OAuthModule,
  ],
  controllers: [AlertsController],
  providers: [
    AlertCatalog,
    AlertStager,
    AlertSweeper,
    OutboxSender,
    AlertsLoop,
    AlertsAdminService,
  ],
  exports: [AlertCatalog, AlertStager],
})
export class AlertsModule {}
