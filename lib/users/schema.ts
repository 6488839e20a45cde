import { z } from 'zod';

import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth/passwords';
import { ROLES } from '../auth/roles';

/** An email address, trimmed and lower-cased so that sign-in ignores case. */
export const EmailSchema = z.string().trim().toLowerCase().pipe(z.email('must be an email address').max(254));

export const PasswordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);

export const CreateUserSchema = z
  .object({
    email: EmailSchema,
    password: PasswordSchema,
    role: z.enum(ROLES),
  })
  .strict();

export type CreateUserInput = z.infer<typeof CreateUserSchema>;

export const PatchUserSchema = z
  .object({
    role: z.enum(ROLES).optional(),
    disabled: z.boolean().optional(),
  })
  .strict()
  .refine((input) => input.role !== undefined || input.disabled !== undefined, {
    message: 'send role, disabled or both',
  });

export type PatchUserInput = z.infer<typeof PatchUserSchema>;
