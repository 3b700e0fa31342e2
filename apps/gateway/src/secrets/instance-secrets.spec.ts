import { parseEnv } from '../config/env.schema';
import { sharedDatabaseWarning } from './instance-secrets';

describe('sharedDatabaseWarning', () => {
  const key = 'a'.repeat(64);

  it('is silent for the embedded database, whose data folder is this replica alone', () => {
    expect(sharedDatabaseWarning(parseEnv({}))).toBeNull();
  });

  it('names each secret a replica on a shared database generated for itself', () => {
    const url = 'postgres://db.internal/omni2';
    expect(sharedDatabaseWarning(parseEnv({ DATABASE_URL: url }))).toMatch(
      /^JWT_SECRET and OMNI2_ENCRYPTION_KEY not set: using the value generated in /,
    );
    expect(
      sharedDatabaseWarning(parseEnv({ DATABASE_URL: url, OMNI2_ENCRYPTION_KEY: key })),
    ).toMatch(/^JWT_SECRET not set/);
    expect(
      sharedDatabaseWarning(
        parseEnv({ DATABASE_URL: url, OMNI2_ENCRYPTION_KEY: key, JWT_SECRET: 'x'.repeat(32) }),
      ),
    ).toBeNull();
  });
});
