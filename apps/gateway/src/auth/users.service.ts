import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import type { Role, UserView } from '@omni2/contracts';
import type { EntityManager, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { parseOrThrow } from '../common/zod-body';
import { AppEnv } from '../config/env.schema';
import { Authenticator } from './authenticator';
import { createUserSchema, updateUserSchema } from './auth-input.schema';
import { PasswordHasher } from './password-hasher';
import { UserEntity } from './user.entity';
import { toUserView } from './user-view';
import { UUID } from '../common/uuid';
import { isUniqueViolation } from '../common/database-errors';

const BOOTSTRAP_LOCK = 0x6f6d6e69; // "omni"

/** People who log in: CRUD, the bootstrap admin, and the rule that one admin always remains. */
@Injectable()
export class UsersService implements OnApplicationBootstrap {
  constructor(
    @InjectRepository(UserEntity) private readonly repo: Repository<UserEntity>,
    private readonly hasher: PasswordHasher,
    private readonly authenticator: Authenticator,
    private readonly env: AppEnv,
    private readonly clock: Clock,
  ) {}

  /** First start: create the admin from OMNI2_ADMIN_USER / OMNI2_ADMIN_PASSWORD, once. */
  async onApplicationBootstrap(): Promise<void> {
    const { OMNI2_ADMIN_USER: username, OMNI2_ADMIN_PASSWORD: given } = this.env.values;
    const password = given ?? randomBytes(18).toString('base64url');
    const created = await this.repo.manager.transaction(async (tx) => {
      // Replicas starting together: one creates the admin, the others see it.
      await tx.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
      if ((await tx.count(UserEntity)) > 0) return false;
      await tx.insert(UserEntity, {
        username,
        password_hash: await this.hasher.hash(password),
        role: 'admin',
      });
      return true;
    });
    if (created && given === undefined) {
      // Printed once, outside the structured log, for the person starting omni2 the first time.
      process.stdout.write(
        `\nomni2: created the admin user "${username}" with the generated password:\n\n    ${password}\n\n` +
          `Sign in to the console and change it with the Password button in the top bar ` +
          `(or POST /api/v1/auth/password). It is not shown again.\n\n`,
      );
    }
  }

  async list(): Promise<UserView[]> {
    return (await this.repo.find({ order: { username: 'ASC' } })).map(toUserView);
  }

  async create(body: unknown): Promise<UserView> {
    const input = parseOrThrow(createUserSchema, body);
    const row = this.repo.create({
      username: input.username,
      role: input.role,
      password_hash: await this.hasher.hash(input.password),
    });
    return toUserView(await this.saveUnique(row));
  }

  async update(ref: string, body: unknown): Promise<UserView> {
    const patch = parseOrThrow(updateUserSchema, body);
    return this.repo.manager.transaction(async (tx) => {
      const row = await this.lockedUser(tx, ref);
      const losesAdmin =
        row.role === 'admin' &&
        !row.disabled &&
        ((patch.role !== undefined && patch.role !== 'admin') || patch.disabled === true);
      if (losesAdmin) await this.assertAnotherAdmin(tx, row.id, patch.role ? 'role' : 'disabled');
      if (patch.role) row.role = patch.role;
      if (patch.disabled !== undefined) row.disabled = patch.disabled;
      if (patch.password) row.password_hash = await this.hasher.hash(patch.password);
      // Disabling or resetting the password ends every session the user has.
      if (patch.disabled === true || patch.password) {
        row.tokens_valid_after = new Date(this.clock.now());
      }
      const saved = await tx.save(row);
      this.authenticator.forgetUser(row.id);
      return toUserView(saved);
    });
  }

  async remove(ref: string): Promise<UserView> {
    return this.repo.manager.transaction(async (tx) => {
      const row = await this.lockedUser(tx, ref);
      if (row.role === 'admin' && !row.disabled) await this.assertAnotherAdmin(tx, row.id, 'id');
      await tx.delete(UserEntity, { id: row.id });
      this.authenticator.forgetUser(row.id);
      return toUserView(row);
    });
  }

  findByName(username: string): Promise<UserEntity | null> {
    return this.repo
      .createQueryBuilder('u')
      .where('lower(u.username) = lower(:username)', { username })
      .getOne();
  }

  async setPassword(user: UserEntity, password: string): Promise<UserEntity> {
    user.password_hash = await this.hasher.hash(password);
    user.tokens_valid_after = new Date(this.clock.now());
    const saved = await this.repo.save(user);
    this.authenticator.forgetUser(user.id);
    return saved;
  }

  async noteLogin(user: UserEntity): Promise<void> {
    await this.repo.update({ id: user.id }, { last_login_at: new Date(this.clock.now()) });
  }

  async byId(id: string): Promise<UserEntity> {
    const row = UUID.test(id) ? await this.repo.findOneBy({ id }) : null;
    if (!row) throw new DomainError('USER_NOT_FOUND', `id: no user "${id}"`);
    return row;
  }

  private async lockedUser(tx: EntityManager, ref: string): Promise<UserEntity> {
    const row = UUID.test(ref)
      ? await tx.findOne(UserEntity, { where: { id: ref }, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!row) throw new DomainError('USER_NOT_FOUND', `id: no user "${ref}"`);
    return row;
  }

  /** Serialised by locking every admin row, so two admins cannot demote each other at once. */
  private async assertAnotherAdmin(tx: EntityManager, except: string, field: string) {
    const admins = await tx.find(UserEntity, {
      where: { role: 'admin' satisfies Role, disabled: false },
      lock: { mode: 'pessimistic_write' },
    });
    if (!admins.some((a) => a.id !== except)) {
      throw DomainError.validation([
        { field, message: 'the last active admin cannot be demoted, disabled or deleted' },
      ]);
    }
  }

  private async saveUnique(row: UserEntity): Promise<UserEntity> {
    try {
      return await this.repo.save(row);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError('USERNAME_TAKEN', `username: "${row.username}" is already taken`, [
          { field: 'username', message: 'is already taken' },
        ]);
      }
      throw error;
    }
  }
}
