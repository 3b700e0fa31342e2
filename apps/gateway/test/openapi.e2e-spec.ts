import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';
import { z } from 'zod';
import { RouteCatalog } from '../src/auth/route-catalog';
import {
  API_CLIENT_SCHEMA,
  clientTypesFor,
  committedClientTypes,
  REGENERATE_HINT,
  writeClientTypes,
} from './support/api-client-types';
import { startTestApp, type TestApp } from './support/test-app';

const ROOT = join(__dirname, '../../..');
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * Warnings of Redocly's recommended rules that are accepted, each for a reason: the project is
 * UNLICENSED (no license to name), and the probes answer no 4xx.
 */
const ACCEPTED_WARNINGS = [
  'warn info-license #/info',
  'warn operation-4xx-response #/paths/~1health~1live/get/responses',
  'warn operation-4xx-response #/paths/~1health~1ready/get/responses',
  // A static document without input: nothing a client can get wrong.
  'warn operation-4xx-response #/paths/~1api~1v1~1oauth~1client-metadata.json/get/responses',
];

function operations(document: OpenAPIObject): [string, OperationObject][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.flatMap((m) => (item[m] ? [[`${m.toUpperCase()} ${path}`, item[m]] as const] : [])),
  ) as [string, OperationObject][];
}

describe('OpenAPI document', () => {
  let t: TestApp;
  let document: OpenAPIObject;

  beforeAll(async () => {
    t = await startTestApp();
    const res = await t.api<OpenAPIObject>('GET', '/api/docs-json', undefined, { token: null });
    expect(res.status).toBe(200);
    document = res.body;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('passes `redocly lint` (recommended rules) without errors or new warnings', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'omni2-openapi-'));
    try {
      const file = join(scratch, 'openapi.json');
      writeFileSync(file, JSON.stringify(document));
      const run = spawnSync(process.execPath, [join(ROOT, 'scripts/lint-openapi.mjs'), file], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      });
      const lines = run.stdout.trim().split('\n');
      const problems = lines.slice(0, -1);
      expect({ status: run.status, stderr: run.stderr.trim() }).toEqual({ status: 0, stderr: '' });
      expect(problems.filter((p) => p.startsWith('error'))).toEqual([]);
      const unexpected = problems.filter((p) => !ACCEPTED_WARNINGS.some((w) => p.startsWith(w)));
      expect(unexpected).toEqual([]);
      expect(JSON.parse(lines.at(-1) ?? '{}')).toEqual({
        errors: 0,
        warnings: ACCEPTED_WARNINGS.length,
      });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('documents every route the app serves, each fully', () => {
    const routes = t.app.get(RouteCatalog).routes();
    const ops = operations(document);
    expect(ops).toHaveLength(routes.length);
    for (const [name, op] of ops) {
      const statuses = Object.keys(op.responses);
      expect({ name, operationId: typeof op.operationId, summary: typeof op.summary }).toEqual({
        name,
        operationId: 'string',
        summary: 'string',
      });
      expect({ name, tags: op.tags?.length, security: Array.isArray(op.security) }).toEqual({
        name,
        tags: 1,
        security: true,
      });
      expect({ name, success: statuses.some((s) => /^2/.test(s)) }).toEqual({
        name,
        success: true,
      });
      for (const status of statuses.filter((s) => /^[45]/.test(s) && s !== '503')) {
        const body = (op.responses[status] as { content?: Record<string, { schema?: unknown }> })
          .content?.['application/json']?.schema;
        expect({ name, status, body }).toEqual({
          name,
          status,
          body: { $ref: '#/components/schemas/ErrorBody' },
        });
      }
    }
    const publicOps = ops.filter(([, op]) => op.security?.length === 0).map(([name]) => name);
    expect(publicOps.sort()).toEqual([
      'GET /api/v1/oauth/callback',
      'GET /api/v1/oauth/client-metadata.json',
      'GET /health/live',
      'GET /health/ready',
      'POST /api/v1/auth/login',
    ]);
  });

  it('reads no body, query or path parameter without the zod schema that documents it', () => {
    const input: Record<number, string> = {
      [RouteParamtypes.BODY]: 'body',
      [RouteParamtypes.QUERY]: 'query',
      [RouteParamtypes.PARAM]: 'param',
    };
    const scanner = t.app.get(MetadataScanner);
    const unschematised: string[] = [];
    let inputs = 0;
    for (const wrapper of t.app.get(DiscoveryService).getControllers()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!type) continue;
      for (const method of scanner.getAllMethodNames(type.prototype as object)) {
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, type, method) ?? {}) as Record<
          string,
          { data?: unknown; schema?: unknown }
        >;
        for (const [key, arg] of Object.entries(args)) {
          const kind = input[Number(key.split(':')[0])];
          if (kind === undefined) continue;
          inputs += 1;
          if (!(arg.schema instanceof z.ZodType)) {
            unschematised.push(
              `${type.name}.${method} ${kind} ${JSON.stringify(arg.data ?? null)}`,
            );
          }
        }
      }
    }
    expect(inputs).toBeGreaterThan(40);
    expect(unschematised).toEqual([]);
  });

  it('takes request bodies, queries and answers from the routes’ zod schemas', () => {
    const create = document.paths['/api/v1/mcp/servers'].post!;
    const body = (create.requestBody as { content: Record<string, { schema: any }> }).content[
      'application/json'
    ].schema;
    expect(body.required).toEqual(['name', 'protocol']);
    expect(body.additionalProperties).toBe(false);
    const list = document.paths['/api/v1/mcp/servers'].get!;
    expect(list.parameters?.map((p) => ('name' in p ? p.name : p.$ref))).toEqual([
      'status',
      'health_status',
      'protocol',
      'protocol_era',
      'q',
      'limit',
      'offset',
    ]);
    expect(document.components?.schemas?.McpServerView).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['id', 'name', 'health_status', 'circuit_state']),
    });
    expect(document.servers).toEqual([{ url: '/', description: expect.any(String) }]);
  });

  it('matches the committed client types (libs/api-client/src/schema.d.ts)', () => {
    const generated = clientTypesFor(document);
    if (process.env.OMNI2_WRITE_API_CLIENT === '1') writeClientTypes(generated);
    const committed = committedClientTypes();
    if (committed !== generated) {
      throw new Error(
        `${API_CLIENT_SCHEMA} is not what the served OpenAPI document generates: run \`${REGENERATE_HINT}\` and commit the result`,
      );
    }
  });
});
