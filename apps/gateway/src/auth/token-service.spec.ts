import { FakeClock } from '../../test/support/fake-clock';
import { AppEnv, parseEnv } from '../config/env.schema';
import { EncryptionKeyring, parseEncryptionKey } from '../common/encryption-key';
import { InstanceSecrets } from '../secrets/instance-secrets';
import { TokenService } from './token-service';

function service(clock: FakeClock, secret = 's'.repeat(32)): TokenService {
  const keyring = new EncryptionKeyring(parseEncryptionKey('a'.repeat(64)));
  const env = new AppEnv(parseEnv({ OMNI2_TOKEN_TTL_MINUTES: '30' }));
  return new TokenService(new InstanceSecrets(Buffer.from(secret), keyring), env, clock);
}

const USER_ID = '6f1c1d2e-9a4b-4c3d-8e7f-0a1b2c3d4e5f';

describe('TokenService', () => {
  it('accepts its own token until the second it expires, and not after', () => {
    const clock = new FakeClock(1_700_000_000_000);
    const tokens = service(clock);
    const { token, claims } = tokens.issue(USER_ID);
    expect(claims).toMatchObject({ sub: USER_ID, iat: 1_700_000_000, exp: 1_700_001_800 });
    clock.t += 1_800_000 - 1;
    expect(tokens.verify(token)).toMatchObject({ ok: true });
    clock.t += 1;
    expect(tokens.verify(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a token signed with another secret', () => {
    const clock = new FakeClock(0);
    const { token } = service(clock, 'x'.repeat(32)).issue(USER_ID);
    expect(service(clock).verify(token)).toEqual({ ok: false, reason: 'signature' });
  });

  it('refuses a validly signed token whose subject is not a user id', () => {
    const clock = new FakeClock(0);
    const tokens = service(clock);
    expect(tokens.verify(tokens.issue(USER_ID).token)).toMatchObject({ ok: true });
    for (const sub of ['admin', '', '%00', "1' OR '1'='1", `${USER_ID}\u0000`]) {
      expect(tokens.verify(tokens.issue(sub).token)).toEqual({ ok: false, reason: 'claims' });
    }
  });

  it.each([
    ['two parts', 'a.b'],
    ['not base64 JSON', 'a.b.c'],
  ])('calls %s malformed', (_label, token) => {
    expect(service(new FakeClock(0)).verify(token)).toEqual({ ok: false, reason: 'malformed' });
  });
});
