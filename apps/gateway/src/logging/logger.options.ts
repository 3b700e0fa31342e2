import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { Env } from '../config/env.schema';
import { logControls } from './log-controls';
import { loggableUrl } from './loggable-url';
import { requestIdFor } from './request-id';

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

/** Probes and scrapes come every few seconds: logging each would drown everything else. */
const QUIET_PATHS = ['/health/', '/metrics'];

/**
 * JSON lines through nestjs-pino. Every line names its `component` (the Nest logger context, or
 * `http` for request lines); a request's `req_id` is bound to the logger nestjs-pino keeps in
 * AsyncLocalStorage for the request, so the lines of the checks and tool calls it causes carry
 * it too. Level and component filter change live (LogSettingsApplier).
 */
export function loggerOptions(env: Env): Params {
  return {
    pinoHttp: {
      level: env.LOG_LEVEL,
      redact: { paths: REDACT_PATHS, censor: '***' },
      hooks: logControls.hooks,
      genReqId: requestIdFor,
      customAttributeKeys: { reqId: 'req_id' },
      // Loggers used inside a request bind only its id, not the whole request.
      quietReqLogger: true,
      customProps: () => ({ component: 'http' }),
      autoLogging: {
        ignore: (req: IncomingMessage) => QUIET_PATHS.some((p) => (req.url ?? '').startsWith(p)),
      },
      serializers: {
        req: (req: { method: string; url: string }) => ({
          method: req.method,
          url: loggableUrl(req.url),
        }),
      },
    },
    renameContext: 'component',
  };
}
