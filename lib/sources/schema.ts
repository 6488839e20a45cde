import { z } from 'zod';

export const SCHEMES = ['github', 'stripe', 'standard-webhooks', 'hmac-sha256', 'jwt'] as const;

export const SourceNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lowercase letters, digits, "-" and "_", starting with a letter or digit');

export const CreateSourceSchema = z
  .object({
    name: SourceNameSchema,
    scheme: z.enum(SCHEMES),
    secrets: z.array(z.string().min(1).max(8192)).max(10).default([]),
    options: z.record(z.string(), z.unknown()).optional(),
    rateLimit: z
      .object({
        perSecond: z.number().positive().max(100_000),
        burst: z.number().int().min(1).max(1_000_000),
      })
      .strict()
      .optional(),
    maxBodyBytes: z.number().int().min(1).max(16 * 1024 * 1024).optional(),
  })
  .strict();

export type CreateSourceInput = z.infer<typeof CreateSourceSchema>;

export const DEFAULT_RATE_LIMIT = { perSecond: 100, burst: 200 };
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
