import { Body, Controller, Delete, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { UserView } from '@omni2/contracts';
import { Audited } from '../audit/audited.decorator';
import { RequireRole } from '../common/access.decorator';
import { UsersService } from './users.service';

@ApiTags('iam')
@ApiBearerAuth()
@RequireRole('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'List users' })
  list(): Promise<UserView[]> {
    return this.users.list();
  }

  @Post()
  @Audited('user.create', 'user')
  @ApiOperation({ summary: 'Create a user with a role' })
  create(@Body() body: unknown): Promise<UserView> {
    return this.users.create(body);
  }

  @Patch(':id')
  @Audited('user.update', 'user')
  @ApiOperation({ summary: 'Change role, disable/enable, or reset the password' })
  update(@Param('id') id: string, @Body() body: unknown): Promise<UserView> {
    return this.users.update(id, body);
  }

  @Delete(':id')
  @Audited('user.delete', 'user')
  @ApiOperation({ summary: 'Delete a user (the last admin cannot be deleted)' })
  remove(@Param('id') id: string): Promise<UserView> {
    return this.users.remove(id);
  }
}
