import { z } from 'zod';

/*
 * Path parameters. Services resolve them (a server by id or name, a 404 when nothing matches),
 * so these describe rather than validate: any non-empty segment reaches the service.
 */
export const serverRef = z
  .string()
  .meta({ description: 'Server id (uuid) or name', examples: ['weather'] });
export const toolName = z.string().meta({ description: 'Tool name as the server lists it' });
export const promptName = z.string().meta({ description: 'Prompt name as the server lists it' });
export const runRef = z.string().meta({ description: 'The `run_id` of the streamed run' });
export const userId = z.string().meta({ description: 'User id' });
export const apiKeyId = z.string().meta({ description: 'API key id' });
export const configKey = z.string().meta({
  description: 'health_check, circuit_breaker, logging, health_log, alerts, rate_limits or events',
});
