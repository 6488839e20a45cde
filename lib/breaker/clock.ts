/** Clock sources, injectable so that tests can move them independently. */
export type ClockSources = {
  /** Wall-clock ms since the epoch, read once at creation. Defaults to Date.now. */
  wallNow?: () => number;
  /** Monotonic ms from an arbitrary origin. Defaults to performance.now. */
  monotonicNow?: () => number;
};

/**
 * Creates the clock that the breaker's callers pass in as `now`: the wall-clock time at
 * creation plus the monotonic time elapsed since. Its readings look like epoch ms, but a later
 * change of the system clock (NTP step, manual change) neither shortens nor stretches an
 * open breaker. Readings drift from wall-clock time by the size of any such change.
 */
export function monotonicClock(sources: ClockSources = {}): () => number {
  const wallNow = sources.wallNow ?? (() => Date.now());
  const monotonicNow = sources.monotonicNow ?? (() => performance.now());

  const origin = wallNow();
  const monotonicOrigin = monotonicNow();
  return () => origin + (monotonicNow() - monotonicOrigin);
}
