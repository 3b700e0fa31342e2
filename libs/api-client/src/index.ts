import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema';

export type { components, operations, paths } from './schema';

/** A response or request body type by its OpenAPI component name, e.g. `Schema<'McpServerView'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

export type Omni2Client = Client<paths, 'application/json'>;

/**
 * A typed REST client of an omni2 gateway: paths, parameters, bodies and answers checked against
 * the OpenAPI document the gateway serves (schema.d.ts, generated from it). JSON answers only:
 * a streamed tool run (`Accept: text/event-stream`) is read with an event-stream parser instead.
 * `credential` is an access token or an API key.
 */
export function createOmni2Client(baseUrl: string, credential?: string): Omni2Client {
  return createClient<paths, 'application/json'>({
    baseUrl,
    headers: credential ? { authorization: `Bearer ${credential}` } : {},
  });
}
