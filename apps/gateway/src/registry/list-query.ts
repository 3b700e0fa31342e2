import { HEALTH_STATUSES, PROTOCOL_ERAS, PROTOCOLS, SERVER_STATUSES } from '@omni2/contracts';
import { z } from 'zod';
import { parseOrThrow } from '../common/zod-body';

export const listQuerySchema = z
  .object({
    status: z.enum(SERVER_STATUSES).optional(),
    health_status: z
      .string()
      .transform((v) => v.split(',').filter(Boolean))
      .pipe(z.array(z.enum(HEALTH_STATUSES)))
      .optional()
      .meta({ description: `Comma-separated, each one of: ${HEALTH_STATUSES.join(', ')}` }),
    protocol: z.enum(PROTOCOLS).optional(),
    /** `modern`, `legacy`, or `unknown` (not contacted yet), comma-separated. */
    protocol_era: z
      .string()
      .transform((v) => v.split(',').filter(Boolean))
      .pipe(z.array(z.enum([...PROTOCOL_ERAS, 'unknown'])))
      .optional()
      .meta({ description: 'Comma-separated: modern, legacy, unknown (not contacted yet)' }),
    q: z.string().max(200).optional().meta({ description: 'Search name, description and URL' }),
    limit: z.coerce.number().int().min(1).max(10_000).default(10_000),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

export type ListQuery = z.infer<typeof listQuerySchema>;

export function parseListQuery(raw: Record<string, unknown>): ListQuery {
  return parseOrThrow(listQuerySchema, raw);
}
