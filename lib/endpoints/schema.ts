import { z } from 'zod';

export const TIERS = ['critical', 'standard'] as const;

/** When an endpoint's fallback URL receives deliveries. */
export const FALLBACK_MODES = ['held', 'dead', 'both'] as const;
export type FallbackOn = (typeof FALLBACK_MODES)[number];

const knobs = z.record(z.string(), z.unknown());

export const CreateEndpointSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    url: z.string().min(1).max(2048),
    tier: z.enum(TIERS).default('standard'),
    fallbackUrl: z.string().min(1).max(2048).nullable().optional(),
    fallbackOn: z.enum(FALLBACK_MODES).optional(),
    breaker: knobs.optional(),
    retry: knobs.optional(),
  })
  .strict();

export const PatchEndpointSchema = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    url: z.string().min(1).max(2048).optional(),
    tier: z.enum(TIERS).optional(),
    fallbackUrl: z.string().min(1).max(2048).nullable().optional(),
    fallbackOn: z.enum(FALLBACK_MODES).optional(),
    breaker: knobs.optional(),
    retry: knobs.optional(),
  })
  .strict()
  .refine((value) => Object.keys(value).length > 0, { message: 'send at least one field to change' });

export type CreateEndpointInput = z.infer<typeof CreateEndpointSchema>;
export type PatchEndpointInput = z.infer<typeof PatchEndpointSchema>;
