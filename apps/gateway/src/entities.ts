import { AlertChannelEntity } from './alerts/alert-channel.entity';
import { AlertRuleEntity } from './alerts/alert-rule.entity';
import { MaintenanceWindowEntity } from './alerts/maintenance-window.entity';
import { AuditEntity } from './audit/audit.entity';
import { ApiKeyEntity } from './auth/api-key.entity';
import { UserEntity } from './auth/user.entity';
import { RuntimeConfigEntity } from './config/runtime-config.entity';
import { HealthLogEntity } from './health-log/health-log.entity';
import { McpServerEntity } from './registry/mcp-server.entity';
import { OAuthAuthorizationEntity } from './oauth/oauth-authorization.entity';
import { OAuthTokenEntity } from './oauth/oauth-token.entity';

export const ENTITIES = [
  McpServerEntity,
  RuntimeConfigEntity,
  HealthLogEntity,
  UserEntity,
  ApiKeyEntity,
  AuditEntity,
  OAuthTokenEntity,
  OAuthAuthorizationEntity,
  AlertChannelEntity,
  AlertRuleEntity,
  MaintenanceWindowEntity,
];
