import { Module } from '@nestjs/common';
import { EncryptionKeyring } from '../common/encryption-key';
import { AppEnv } from '../config/env.schema';
import { InstanceSecrets } from './instance-secrets';
import { LegacySecretsSealer } from './legacy-secrets';
import { SecretCodec } from './secret-codec';

/** The instance's signing secret and keys, and the codec that seals upstream credentials. */
@Module({
  providers: [
    {
      provide: InstanceSecrets,
      useFactory: (env: AppEnv) => InstanceSecrets.resolve(env.values),
      inject: [AppEnv],
    },
    {
      provide: EncryptionKeyring,
      useFactory: (s: InstanceSecrets) => s.keyring,
      inject: [InstanceSecrets],
    },
    SecretCodec,
    LegacySecretsSealer,
  ],
  exports: [InstanceSecrets, SecretCodec],
})
export class SecretsModule {}
