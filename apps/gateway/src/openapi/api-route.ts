import { applyDecorators, HttpStatus } from '@nestjs/common';
import {
  ApiExtension,
  ApiOperation,
  ApiResponse,
  type StandardSchemaConverter,
} from '@nestjs/swagger';
import type { ErrorBody, ErrorCode } from '@omni2/contracts';
import { z } from 'zod';
import { httpStatusFor } from '../common/http-status-for';
import { errorBodySchema } from './view-schemas';

/**
 * Turns the zod schemas given to `@Body({ schema })`, `@Query({ schema })`, `@Param(name,
 * { schema })` and `@ApiResponse({ standardSchema })` into OpenAPI 3.1 schemas (JSON Schema
 * 2020-12, which 3.1 uses as is). Schemas with a `.meta({ id })` become components.
 */
export const zodSchemaConverter: StandardSchemaConverter = (schema, { schemaType }) => {
  if (!(schema instanceof z.ZodType)) return undefined;
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: schemaType,
    // Request schemas refine and transform; their input side is what a client sends.
    unrepresentable: 'throw',
  }) as Record<string, unknown>;
  const components = (json.$defs ?? {}) as Record<string, unknown>;
  delete json.$defs;
  delete json.$schema;
  return { schema: json, components };
};

/** How a route answers when it succeeds. */
export interface SuccessDoc {
  /** Default 200. */
  status?: HttpStatus;
  /** The JSON body; absent with `text`, or for no body at all (204). */
  schema?: z.ZodType;
  /** A body that is not JSON (Prometheus text). */
  text?: { mediaType: string; example: string };
  description: string;
  example?: unknown;
  /** Also answers as an event stream when asked with `Accept: text/event-stream`. */
  eventStream?: string;
}

/** What a route that asks the upstream server can answer besides its result. */
export const UPSTREAM_READ_ERRORS: readonly ErrorCode[] = [
  'SERVER_NOT_FOUND',
  'SERVER_DISABLED',
  'CIRCUIT_OPEN',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_UNAVAILABLE',
];

export interface RouteDoc {
  operationId: string;
  summary: string;
  description?: string;
  ok: SuccessDoc;
  /**
   * Error codes the route itself can answer with. Authentication and role refusals are added
   * from the route's access decision (see openapi-document.ts); a 400 for unreadable input is
   * added wherever the route takes a body, query or path parameter.
   */
  errors?: readonly ErrorCode[];
  /** A request body example (the body's schema comes from `@Body({ schema })`). */
  requestExample?: unknown;
  /** Answers without omni2's own dependencies (liveness): no 503 for them being down. */
  standalone?: boolean;
  /** A 503 that is not an ErrorBody (Terminus' readiness report). */
  notReady?: { schema: z.ZodType; description: string };
}

/** Error statuses every route can answer with whatever it does (a database outage). */
const ALWAYS: readonly ErrorCode[] = ['DEPENDENCY_UNAVAILABLE'];

/** Documents one route: what it answers, and each error code grouped under its status. */
export function ApiRoute(doc: RouteDoc): MethodDecorator {
  const decorators: MethodDecorator[] = [
    ApiOperation({
      operationId: doc.operationId,
      summary: doc.summary,
      description: doc.description,
    }),
    successResponse(doc.ok),
    ...errorResponses([...(doc.errors ?? []), ...(doc.notReady || doc.standalone ? [] : ALWAYS)]),
  ];
  if (doc.notReady) {
    decorators.push(
      ApiResponse({
        status: HttpStatus.SERVICE_UNAVAILABLE,
        description: doc.notReady.description,
        standardSchema: doc.notReady.schema,
      }),
    );
  }
  // Extensions carry what @nestjs/swagger has no slot for; openapi-document.ts moves them.
  if (doc.requestExample !== undefined) {
    decorators.push(ApiExtension(REQUEST_EXAMPLE, doc.requestExample));
  }
  if (doc.ok.eventStream !== undefined) {
    decorators.push(ApiExtension(EVENT_STREAM, doc.ok.eventStream));
  }
  return applyDecorators(...decorators);
}

export const REQUEST_EXAMPLE = 'x-omni2-request-example';
export const EVENT_STREAM = 'x-omni2-event-stream';

function successResponse(ok: SuccessDoc): MethodDecorator {
  const status = ok.status ?? HttpStatus.OK;
  if (ok.text) {
    return ApiResponse({
      status,
      description: ok.description,
      content: {
        [ok.text.mediaType]: { schema: { type: 'string' }, example: ok.text.example },
      },
    });
  }
  return ApiResponse({
    status,
    description: ok.description,
    ...(ok.schema ? { standardSchema: ok.schema } : {}),
    ...(ok.example === undefined ? {} : { example: ok.example }),
  });
}

/** The error answers for `codes`, one response per status with an example of each code. */
export function errorResponses(codes: readonly ErrorCode[]): MethodDecorator[] {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = httpStatusFor(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return [...byStatus].map(([status, list]) =>
    ApiResponse({
      status,
      description: `Error: ${list.join(', ')}`,
      standardSchema: errorBodySchema,
      examples: Object.fromEntries(
        list.map((code) => [code, { summary: code, value: exampleError(code) }]),
      ),
    }),
  );
}

const EXAMPLE_MESSAGES: Partial<Record<ErrorCode, string>> = {
  VALIDATION_FAILED: 'name: is required',
  UNAUTHENTICATED: 'authorization: send "Authorization: Bearer <access token or API key>"',
  SESSION_EXPIRED: 'authorization: the access token has expired',
  FORBIDDEN: 'this needs a higher role',
};

/** An example answer of `code`: its status, and a message like the ones the gateway writes. */
export function exampleError(code: ErrorCode): ErrorBody {
  const statusCode = httpStatusFor(code);
  const message = EXAMPLE_MESSAGES[code] ?? code.toLowerCase().replaceAll('_', ' ');
  return code === 'VALIDATION_FAILED'
    ? { statusCode, code, message, errors: [{ field: 'name', message: 'is required' }] }
    : { statusCode, code, message };
}
