import { z } from 'zod';

import { AppError } from '../api/errors';

const DAY_MS = 24 * 3_600_000;
const MAX_RANGE_MS = 90 * DAY_MS;

const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2026-12-04T10:00:00Z' }).optional();

export const RangeQuerySchema = z.object({ since: instant, until: instant });

/**
 * Resolves ?since=&until= into ms: until defaults to now and since to 24 hours before until.
 * Rejects an empty range and one longer than 90 days.
 */
export function resolveRange(query: z.infer<typeof RangeQuerySchema>, now: number): { since: number; until: number } {
  const until = query.until ? Date.parse(query.until) : now;
  const since = query.since ? Date.parse(query.since) : until - DAY_MS;
  if (since >= until) throw new AppError('invalid_request', 'since must be earlier than until.', { field: 'since' });
  if (until - since > MAX_RANGE_MS) throw new AppError('invalid_request', 'The range from since to until must be at most 90 days.', { field: 'since' });
  return { since, until };
}
