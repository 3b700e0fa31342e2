import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ApiKeyView, CreatedApiKey } from '@omni2/contracts';
import type { Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { parseOrThrow } from '../common/zod-body';
import { ApiKeyEntity } from './api-key.entity';
import { generateApiKey } from './api-key-material';
import { createApiKeySchema } from './auth-input.schema';
import { Authenticator } from './authenticator';
import type { Principal } from '../common/principal';
import { toApiKeyView } from './user-view';
import { UUID } from '../common/uuid';

const DAY_MS = 86_400_000;

/** Keys for machines: shown once, stored as a digest, revoked rather than deleted (audit). */
@Injectable()
export class ApiKeysService {
  constructor(
    @InjectRepository(ApiKeyEntity) private readonly repo: Repository<ApiKeyEntity>,
    private readonly authenticator: Authenticator,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<ApiKeyView[]> {
    return (await this.repo.find({ order: { created_at: 'DESC' } })).map(toApiKeyView);
  }

  async create(creator: Principal, body: unknown): Promise<CreatedApiKey> {
    const input = parseOrThrow(createApiKeySchema, body);
    const material = generateApiKey();
    const saved = await this.repo.save(
      this.repo.create({
        name: input.name,
        role: input.role,
        prefix: material.prefix,
        key_hash: material.hash,
        created_by: creator.kind === 'user' ? creator.id : null,
        expires_at: input.expires_in_days
          ? new Date(this.clock.now() + input.expires_in_days * DAY_MS)
          : null,
      }),
    );
    return { ...toApiKeyView(saved), key: material.key };
  }

  async revoke(ref: string): Promise<ApiKeyView> {
    const row = UUID.test(ref) ? await this.repo.findOneBy({ id: ref }) : null;
    if (!row) throw new DomainError('API_KEY_NOT_FOUND', `id: no API key "${ref}"`);
    row.revoked_at ??= new Date(this.clock.now());
    const saved = await this.repo.save(row);
    this.authenticator.forgetKeys();
    return toApiKeyView(saved);
  }
}
