import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppOptions } from './app.module';
import { API_PREFIX } from './common/api-prefix';
import { lenientJson } from './common/lenient-json';
import { registerConsoleStatic } from './console-static/console-static';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { RouteCatalog } from './auth/route-catalog';

export { API_PREFIX };
const BODY_LIMIT = '1mb';

/** Builds the HTTP application exactly as production runs it; tests use the same function. */
export async function createHttpApp(options: AppOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.use(lenientJson(BODY_LIMIT));
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'metrics'] });
  app.set('etag', false);
  app.set('x-powered-by', false);
  const trustProxy = options.env.values.OMNI2_TRUST_PROXY;
  if (trustProxy !== undefined) app.set('trust proxy', trustProxySetting(trustProxy));
  const document = buildOpenApiDocument(app, '0.1.0', app.get(RouteCatalog).routes());
  SwaggerModule.setup('api/docs', app, document);
  registerConsoleStatic(app);
  return app;
}

/** `true`, a hop count, or Express's list of trusted addresses and subnets. */
function trustProxySetting(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}
