import type { BreakerSnapshot, BreakerStateName } from '../breaker/types';

export type BreakerRow = {
  endpoint_id: string;
  state: string;
  version: number;
  since: Date;
  reason: string;
  probe_at: Date | null;
  failed_recoveries: number;
  half_open_successes: number;
  next_probe_at: Date | null;
  paused_until: Date | null;
  expires_at: Date | null;
};

export const BREAKER_COLUMNS =
  'endpoint_id, state, version, since, reason, probe_at, failed_recoveries, half_open_successes, next_probe_at, paused_until, expires_at';

/** BREAKER_COLUMNS qualified with a table alias, for joins. */
export function breakerColumns(alias: string): string {
  return BREAKER_COLUMNS.split(', ')
    .map((column) => `${alias}.${column}`)
    .join(', ');
}

const ms = (value: Date | null): number | null => (value === null ? null : value.getTime());
const date = (value: number | null): Date | null => (value === null ? null : new Date(value));

export function rowToSnapshot(row: BreakerRow): BreakerSnapshot {
  return {
    state: row.state as BreakerStateName,
    version: row.version,
    since: row.since.getTime(),
    probeAt: ms(row.probe_at),
    failedRecoveries: row.failed_recoveries,
    halfOpenSuccesses: row.half_open_successes,
    nextProbeAt: ms(row.next_probe_at),
    pausedUntil: ms(row.paused_until),
    expiresAt: ms(row.expires_at),
  };
}

/** Column values of a snapshot in BREAKER_COLUMNS order, without endpoint_id and reason. */
export function snapshotParams(s: BreakerSnapshot): unknown[] {
  return [
    s.state,
    s.version,
    new Date(s.since),
    date(s.probeAt),
    s.failedRecoveries,
    s.halfOpenSuccesses,
    date(s.nextProbeAt),
    date(s.pausedUntil),
    date(s.expiresAt),
  ];
}
