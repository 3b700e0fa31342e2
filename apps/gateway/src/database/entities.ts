import { RuntimeConfigEntity } from '../config/runtime-config.entity';
import { HealthLogEntity } from '../health-log/health-log.entity';
import { McpServerEntity } from '../registry/mcp-server.entity';

export const ENTITIES = [McpServerEntity, RuntimeConfigEntity, HealthLogEntity];
