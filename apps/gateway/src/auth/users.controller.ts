import { Body, Controller, Delete, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { UserView } from '@omni2/contracts';
import { z } from 'zod';
import { Audited } from '../audit/audited.decorator';
import { RequireRole } from '../common/access.decorator';
import { UsersService } from './users.service';
import { createUserSchema, updateUserSchema } from './auth-input.schema';
import { ApiRoute } from '../openapi/api-route';
import { userId } from '../openapi/path-params';
import { userViewSchema } from '../openapi/view-schemas';

@ApiTags('iam')
@RequireRole('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiRoute({
    operationId: 'listUsers',
    summary: 'List users',
    ok: { schema: z.array(userViewSchema), description: 'Every user' },
  })
  list(): Promise<UserView[]> {
    return this.users.list();
  }

  @Post()
  @Audited('user.create', 'user')
  @ApiRoute({
    operationId: 'createUser',
    summary: 'Create a user with a role',
    ok: { status: 201, schema: userViewSchema, description: 'The user' },
    errors: ['USERNAME_TAKEN'],
    requestExample: { username: 'jo', password: 'a long enough password', role: 'operator' },
  })
  create(@Body({ schema: createUserSchema }) body: unknown): Promise<UserView> {
    return this.users.create(body);
  }

  @Patch(':id')
  @Audited('user.update', 'user')
  @ApiRoute({
    operationId: 'updateUser',
    summary: 'Change role, disable/enable, or reset the password',
    ok: { schema: userViewSchema, description: 'The user as changed' },
    errors: ['USER_NOT_FOUND'],
    requestExample: { role: 'viewer' },
  })
  update(
    @Param('id', { schema: userId }) id: string,
    @Body({ schema: updateUserSchema }) body: unknown,
  ): Promise<UserView> {
    return this.users.update(id, body);
  }

  @Delete(':id')
  @Audited('user.delete', 'user')
  @ApiRoute({
    operationId: 'deleteUser',
    summary: 'Delete a user (the last admin cannot be deleted)',
    ok: { schema: userViewSchema, description: 'The user as it was' },
    errors: ['USER_NOT_FOUND', 'VALIDATION_FAILED'],
  })
  remove(@Param('id', { schema: userId }) id: string): Promise<UserView> {
    return this.users.remove(id);
  }
}
