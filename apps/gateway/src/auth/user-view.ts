import type { ApiKeyView, UserView } from '@omni2/contracts';
import type { ApiKeyEntity } from './api-key.entity';
import type { UserEntity } from './user.entity';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** Never includes the password hash. */
export function toUserView(u: UserEntity): UserView {
  return {
    id: u.id,
    username: u.username,
    role: u.role,
    disabled: u.disabled,
    last_login_at: iso(u.last_login_at),
    created_at: u.created_at.toISOString(),
    updated_at: u.updated_at.toISOString(),
  };
}

/** Never includes the key or its hash. */
export function toApiKeyView(k: ApiKeyEntity): ApiKeyView {
  return {
    id: k.id,
    name: k.name,
    role: k.role,
    prefix: k.prefix,
    created_by: k.created_by,
    created_at: k.created_at.toISOString(),
    expires_at: iso(k.expires_at),
    last_used_at: iso(k.last_used_at),
    revoked_at: iso(k.revoked_at),
  };
}
