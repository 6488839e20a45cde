import { monotonicClock } from '../breaker/clock';

type Holder = { __switchyardClock?: () => number };

/**
 * The process-wide breaker clock: wall time at start plus monotonic elapsed time, so a
 * wall-clock step after start neither shortens nor stretches an open breaker.
 */
export function appClock(): () => number {
  const holder = globalThis as Holder;
  holder.__switchyardClock ??= monotonicClock();
  return holder.__switchyardClock;
}
