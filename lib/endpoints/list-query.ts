import { z } from 'zod';

import { BREAKER_STATES } from '../breaker/types';
import { TIERS } from './schema';

export const EndpointListQuerySchema = z
  .object({
    state: z.enum(BREAKER_STATES).optional(),
    tier: z.enum(TIERS).optional(),
    q: z.string().max(120).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    // Default order is by id. "burn" puts the highest error-budget burn of the last hour
    // first, and "since" the endpoint longest in its current state.
    sort: z.enum(['id', 'burn', 'since']).default('id'),
    cursor: z.string().regex(/^(ep_\w+|\d+)$/, 'must be a cursor from a previous page').optional(),
  })
  .strict();

export const OverrideSchema = z
  .object({
    action: z.enum(['force_open', 'force_closed', 'disable', 'metrics_only', 'release']),
    reason: z.string().trim().min(1, 'is required: say why you override the breaker').max(1000),
    expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .strict();
