import { Injectable } from '@nestjs/common';
import type { AuditAction, LoginResponse } from '@omni2/contracts';
import { DomainError } from '../common/domain-error';
import { parseOrThrow } from '../common/zod-body';
import { AuditService } from '../audit/audit.service';
import { changePasswordSchema, loginSchema } from './auth-input.schema';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';
import type { Principal } from '../common/principal';
import { TokenService } from './token-service';
import { UsersService } from './users.service';

const WRONG = 'username or password is wrong';

/** Password logins and password changes; both hand out a fresh access token. */
@Injectable()
export class LoginService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
  ) {}

  async login(body: unknown, address: string): Promise<LoginResponse> {
    const { username, password } = parseOrThrow(loginSchema, body);
    await this.throttle.admit(address, username);
    const user = await this.users.findByName(username);
    const valid = user ? await this.hasher.verify(password, user.password_hash) : false;
    if (!user) await this.hasher.burn(password);
    if (!user || !valid || user.disabled) {
      await this.throttle.failed(username);
      this.audit.record({
        actor: { kind: 'user', id: user?.id ?? null, name: username },
        action: 'auth.login_failed' satisfies AuditAction,
        target: null,
        details: { reason: !user || !valid ? 'bad credentials' : 'account disabled' },
        ip: address,
      });
      throw new DomainError('UNAUTHENTICATED', `credentials: ${WRONG}`);
    }
    await this.throttle.succeeded(username);
    await this.users.noteLogin(user);
    this.audit.record({
      actor: { kind: 'user', id: user.id, name: user.username },
      action: 'auth.login' satisfies AuditAction,
      target: null,
      details: {},
      ip: address,
    });
    return this.tokenFor(user.id);
  }

  /** Ends every other session of the user (tokens issued before now stop working). */
  async changePassword(principal: Principal, body: unknown): Promise<LoginResponse> {
    if (principal.kind !== 'user') {
      throw new DomainError('FORBIDDEN', 'credentials: API keys have no password to change');
    }
    const input = parseOrThrow(changePasswordSchema, body);
    const user = await this.users.byId(principal.id);
    if (!(await this.hasher.verify(input.current_password, user.password_hash))) {
      throw DomainError.validation([{ field: 'current_password', message: 'is wrong' }]);
    }
    await this.users.setPassword(user, input.new_password);
    return this.tokenFor(user.id);
  }

  private tokenFor(userId: string): LoginResponse {
    const { token } = this.tokens.issue(userId);
    return { access_token: token, token_type: 'Bearer', expires_in: this.tokens.ttlSeconds };
  }
}
