import type { Params } from 'nestjs-pino';
import type { Env } from '../config/env.schema';

/** Header and body fields that may carry secrets; pino replaces them before anything is written. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.auth_config',
  '*.password',
  '*.token',
  '*.env',
];

export function loggerOptions(env: Env): Params {
  return {
    pinoHttp: {
      level: env.LOG_LEVEL,
      redact: { paths: REDACT_PATHS, censor: '***' },
      customProps: () => ({ component: 'http' }),
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health/') },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
      },
    },
    renameContext: 'component',
  };
}
