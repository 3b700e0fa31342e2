import { RuntimeConfigEntity } from '../config/runtime-config.entity';
import { McpServerEntity } from '../registry/mcp-server.entity';

export const ENTITIES = [McpServerEntity, RuntimeConfigEntity];
