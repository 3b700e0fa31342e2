import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type INestApplication, Logger } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';

/** Paths the console never answers: the API, probes, metrics and the socket. */
const RESERVED = /^\/(api|health|metrics|socket\.io)(\/|$)/;
/** Build output names carry a content hash: cache them for good. */
const HASHED = /-[A-Z0-9]{8}\.(js|css)$/;

/**
 * Where `ng build` put the console: `dist/console/browser` from the repository root (running the
 * TypeScript sources) or next to the compiled gateway (`dist/apps/gateway/src/...` -> `dist/`).
 */
export function findConsoleDir(start: string = __dirname): string | null {
  for (let dir = start; ; dir = dirname(dir)) {
    for (const candidate of [
      join(dir, 'console', 'browser'),
      join(dir, 'dist', 'console', 'browser'),
    ]) {
      if (existsSync(join(candidate, 'index.html'))) return candidate;
    }
    if (dirname(dir) === dir) return null;
  }
}

/**
 * Serves the built Angular console from the gateway's port: its files as they are, and
 * index.html for any other GET outside the API (deep links such as /servers/github).
 * Without a build the gateway still starts; the log says how to build it.
 */
export function registerConsoleStatic(app: INestApplication, dir = findConsoleDir()): void {
  const log = new Logger('console');
  if (dir === null) {
    log.warn('console not built: run `npm run build` to serve it at /; the API works without it');
    return;
  }
  const files = express.static(dir, {
    index: false,
    fallthrough: true,
    setHeaders: (res, path) => {
      res.setHeader(
        'Cache-Control',
        HASHED.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const indexHtml = join(dir, 'index.html');
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || RESERVED.test(req.path)) return next();
    files(req, res, () => {
      // A missing file (a path whose last segment has a dot) is a 404, not the app.
      if (/\.[^/]*$/.test(req.path)) return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(indexHtml);
    });
  });
  log.log(`serving the console from ${dir}`);
}
