import { PASSWORD_MIN_LENGTH, ROLES, USERNAME_PATTERN } from '@omni2/contracts';
import { z } from 'zod';

const role = z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` });

const password = z
  .string({ message: 'is required' })
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(1024, 'must be at most 1024 characters');

const username = z
  .string({ message: 'is required' })
  .regex(
    USERNAME_PATTERN,
    'must be 1-64 characters: letters, digits, ".", "_", "@" or "-", starting with a letter or digit',
  );

export const loginSchema = z
  .object({
    username: z.string({ message: 'is required' }).min(1, 'is required').max(256),
    password: z.string({ message: 'is required' }).min(1, 'is required').max(1024),
  })
  .strict();

export const createUserSchema = z.object({ username, password, role }).strict();

export const updateUserSchema = z
  .object({ role, disabled: z.boolean(), password })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, {
    message: 'send at least one of role, disabled, password',
  });

export const changePasswordSchema = z
  .object({
    current_password: z.string({ message: 'is required' }).min(1, 'is required').max(1024),
    new_password: password,
  })
  .strict()
  .refine((v) => v.new_password !== v.current_password, {
    path: ['new_password'],
    message: 'must differ from the current password',
  });

export const createApiKeySchema = z
  .object({
    name: z.string({ message: 'is required' }).trim().min(1, 'is required').max(128),
    role,
    expires_in_days: z.number().int().min(1).max(3_650).optional(),
  })
  .strict();
