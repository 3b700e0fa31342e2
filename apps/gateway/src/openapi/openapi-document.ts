import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  type OpenAPIObject,
  type OperationObject,
  type ResponseObject,
  SwaggerModule,
} from '@nestjs/swagger';
import type { ErrorCode } from '@omni2/contracts';
import type { Access } from '../common/access.decorator';
import { httpStatusFor } from '../common/http-status-for';
import { EVENT_STREAM, exampleError, REQUEST_EXAMPLE, zodSchemaConverter } from './api-route';

export const BEARER_SCHEME = 'bearer';
export const METRICS_SCHEME = 'metrics_token';

const TAGS: Record<string, string> = {
  auth: 'Log in, who am I, change your password',
  servers: 'The registry of MCP servers',
  health: 'Health checks, operator actions, health log, uptime and capabilities',
  tools: 'Tool runs, resource reads and prompt renders on a server',
  config: 'Runtime settings, applied without restart',
  events: 'Polling fallback of the live event feed',
  iam: 'Users and API keys',
  audit: 'Who did what',
  probes: 'Kubernetes probes and Prometheus metrics (outside /api/v1)',
};

/**
 * The OpenAPI 3.1 document of the app as built: operations and schemas from the routes' zod
 * schemas (`@Body/@Query/@Param({ schema })`, `@ApiRoute`), security and the 401/403 answers
 * from each route's access decision, so neither can drift from what the guard enforces.
 * `routes` are those decisions as RouteCatalog lists them; the caller passes them in because
 * every controller imports this folder, so it cannot import auth back.
 */
export function buildOpenApiDocument(
  app: INestApplication,
  version: string,
  routes: RouteAccess[],
): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('omni2')
    .setDescription(
      'Control plane for fleets of MCP servers. Every error answer is an `ErrorBody`; ' +
        'clients branch on its `code`.',
    )
    .setVersion(version)
    .addServer('/', 'The gateway that serves this document')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description:
          'An access token from `POST /api/v1/auth/login`, or an API key (`omni2_...`), ' +
          'both sent as `Authorization: Bearer <credential>`.',
      },
      BEARER_SCHEME,
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description: '`OMNI2_METRICS_TOKEN`, needed only when that setting is set',
      },
      METRICS_SCHEME,
    );
  for (const [name, description] of Object.entries(TAGS)) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build(), {
    standardSchemaConverter: zodSchemaConverter,
  });
  applyAccess(document, routes);
  return document;
}

const AUTH_ERRORS: readonly ErrorCode[] = ['UNAUTHENTICATED', 'SESSION_EXPIRED'];

type RouteAccess = { method: string; path: string; access: Access | undefined };

function applyAccess(document: OpenAPIObject, routes: RouteAccess[]): void {
  for (const route of routes) {
    const op = operationOf(document, route.method, route.path);
    if (!op) throw new Error(`OpenAPI: no operation for ${route.method} ${route.path}`);
    if (route.access === 'public') {
      // /metrics takes its own optional token; everything else public takes no credential.
      op.security = route.path === 'metrics' ? [{}, { [METRICS_SCHEME]: [] }] : [];
      if (route.path === 'metrics') addErrors(op, ['UNAUTHENTICATED']);
    } else {
      op.security = [{ [BEARER_SCHEME]: [] }];
      op.description = [op.description, `Needs the \`${route.access}\` role or higher.`]
        .filter(Boolean)
        .join('\n\n');
      addErrors(op, [...AUTH_ERRORS, 'FORBIDDEN']);
    }
    if ((op.parameters?.length ?? 0) > 0 || op.requestBody) addErrors(op, ['VALIDATION_FAILED']);
    moveExtensions(op);
  }
}

function operationOf(
  document: OpenAPIObject,
  method: string,
  path: string,
): OperationObject | undefined {
  const openApiPath = path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
  const item = document.paths[`/api/v1/${openApiPath}`] ?? document.paths[`/${openApiPath}`];
  return item?.[method.toLowerCase() as 'get'];
}

/** Adds each code under its status, next to codes the route already documents there. */
function addErrors(op: OperationObject, codes: readonly ErrorCode[]): void {
  for (const code of codes) {
    const status = String(httpStatusFor(code));
    const existing = op.responses[status] as ResponseObject | undefined;
    const media = existing?.content?.['application/json'];
    const value = exampleError(code);
    if (media) {
      if (media.examples?.[code]) continue;
      media.examples = { ...media.examples, [code]: { summary: code, value } };
      existing.description = `${existing.description}, ${code}`;
    } else {
      op.responses[status] = {
        description: `Error: ${code}`,
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/ErrorBody' },
            examples: { [code]: { summary: code, value } },
          },
        },
      };
    }
  }
}

/** `@ApiRoute` extensions travel on the operation until the parts that take them exist. */
function moveExtensions(op: OperationObject): void {
  const extended = op as OperationObject & Record<string, unknown>;
  const example = extended[REQUEST_EXAMPLE];
  if (example !== undefined) {
    delete extended[REQUEST_EXAMPLE];
    const body = op.requestBody;
    const media = body && 'content' in body ? body.content['application/json'] : undefined;
    if (!media) throw new Error(`OpenAPI: ${op.operationId} has a request example but no body`);
    media.example = example;
  }
  const stream = extended[EVENT_STREAM];
  if (typeof stream === 'string') {
    delete extended[EVENT_STREAM];
    const ok = op.responses['200'] as ResponseObject | undefined;
    if (!ok?.content) throw new Error(`OpenAPI: ${op.operationId} streams but has no 200 body`);
    ok.content['text/event-stream'] = { schema: { type: 'string', description: stream } };
  }
}
