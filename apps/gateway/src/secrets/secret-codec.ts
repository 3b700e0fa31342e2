import { Injectable } from '@nestjs/common';

/**
 * The single path by which upstream secrets (`auth_config`, stdio `env`) are written to and read
 * from the database. Values are stored as JSON text for now; at-rest encryption (AES-256-GCM with
 * a key id) replaces the body of these two methods and nothing else.
 */
@Injectable()
export class SecretCodec {
  seal(value: Record<string, unknown> | null): string | null {
    if (value === null || Object.keys(value).length === 0) return null;
    return JSON.stringify(value);
  }

  open(sealed: string | null): Record<string, unknown> | null {
    if (sealed === null) return null;
    return JSON.parse(sealed) as Record<string, unknown>;
  }
}
