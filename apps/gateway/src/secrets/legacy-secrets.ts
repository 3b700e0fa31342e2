import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { resealSecrets } from './reseal';
import { SecretCodec } from './secret-codec';

/**
 * Upgrade step: credentials stored in clear by versions before at-rest encryption are sealed at
 * start. Key rotation is deliberately not automatic (replicas still on the old key could no
 * longer read); that is `npm run secrets:rotate`, run once every replica knows the new key.
 */
@Injectable()
export class LegacySecretsSealer implements OnApplicationBootstrap {
  private readonly log = new Logger('secrets');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly codec: SecretCodec,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const report = await resealSecrets(this.db, this.codec, 'plaintext');
    if (report.resealed > 0)
      this.log.log(`sealed plaintext credentials of ${report.resealed} servers`);
    if (report.unreadable.length > 0) {
      this.log.error(`credentials unreadable for: ${report.unreadable.join(', ')}`);
    }
  }
}
