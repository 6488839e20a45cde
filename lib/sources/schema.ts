import { z } from 'zod';

export const SCHEMES = ['github', 'stripe', 'standard-webhooks', 'hmac-sha256', 'jwt'] as const;

export const SourceNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lowercase letters, digits, "-" and "_", starting with a letter or digit');

const SecretsSchema = z.array(z.string().min(1).max(8192)).max(10);
const OptionsSchema = z.record(z.string(), z.unknown());
const RateLimitSchema = z
  .object({
    perSecond: z.number().positive().max(100_000),
    burst: z.number().int().min(1).max(1_000_000),
  })
  .strict();
const MaxBodyBytesSchema = z.number().int().min(1).max(16 * 1024 * 1024);

export const CreateSourceSchema = z
  .object({
    name: SourceNameSchema,
    scheme: z.enum(SCHEMES),
    secrets: SecretsSchema.default([]),
    options: OptionsSchema.optional(),
    rateLimit: RateLimitSchema.optional(),
    maxBodyBytes: MaxBodyBytesSchema.optional(),
  })
  .strict();

export type CreateSourceInput = z.infer<typeof CreateSourceSchema>;

// A change to a source: secrets replace the whole list (add the new secret beside the old one
// to rotate, then drop the old one), options replace the stored options.
export const UpdateSourceSchema = z
  .object({
    secrets: SecretsSchema.optional(),
    options: OptionsSchema.optional(),
    rateLimit: RateLimitSchema.optional(),
    maxBodyBytes: MaxBodyBytesSchema.optional(),
  })
  .strict()
  .refine((input) => Object.keys(input).length > 0, {
    message: 'send at least one of secrets, options, rateLimit and maxBodyBytes',
    path: ['body'],
  });

export type UpdateSourceInput = z.infer<typeof UpdateSourceSchema>;

export const DEFAULT_RATE_LIMIT = { perSecond: 100, burst: 200 };
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
