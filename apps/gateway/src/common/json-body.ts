import { gzipSync } from 'node:zlib';
import type { Request, Response } from 'express';

/**
 * A JSON response body serialized once and sent many times; the gzip form is made on first
 * demand and kept, so repeated large reads cost neither serialization nor compression.
 */
export class JsonBody {
  private gzipped: Buffer | null = null;

  constructor(readonly raw: Buffer) {}

  static of(json: string): JsonBody {
    return new JsonBody(Buffer.from(json, 'utf8'));
  }

  gzip(): Buffer {
    this.gzipped ??= gzipSync(this.raw, { level: 1 });
    return this.gzipped;
  }

  send(req: Request, res: Response): void {
    const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '') && this.raw.length > 1_024;
    const bytes = gzip ? this.gzip() : this.raw;
    res.status(200);
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.setHeader('vary', 'accept-encoding');
    if (gzip) res.setHeader('content-encoding', 'gzip');
    res.setHeader('content-length', bytes.length);
    res.end(bytes);
  }
}
