// Token-bucket rate limiting as pure functions of the stored state and the current time.
// Tokens refill continuously, so a bucket may contain a fractional number of tokens.
// Times are in ms, and rates in tokens per second.

export type TokenBucketState = {
  tokens: number;
  /** Time of the last refill, in ms. */
  updatedAt: number;
};

export type TakeResult = {
  allowed: boolean;
  /** State after the refill, and after the tokens were taken when `allowed`. */
  state: TokenBucketState;
  /**
   * Time in ms until `cost` tokens are available, or 0 when allowed. Infinity when `cost`
   * exceeds `burst` or the rate is 0, because then the request can never pass.
   */
  retryAfterMs: number;
};

function assertLimits(ratePerSecond: number, burst: number): void {
  if (!Number.isFinite(ratePerSecond) || ratePerSecond < 0) {
    throw new RangeError(`ratePerSecond must be a finite number >= 0, got ${ratePerSecond}`);
  }
  if (!Number.isFinite(burst) || burst < 0) {
    throw new RangeError(`burst must be a finite number >= 0, got ${burst}`);
  }
}

/** Returns a full bucket, the state of a client that has not been seen before. */
export function fullBucket(burst: number, now: number): TokenBucketState {
  return { tokens: burst, updatedAt: now };
}

/**
 * Adds the tokens earned since `state.updatedAt`, capped at `burst`. When the clock went
 * backwards, nothing is added and `updatedAt` stays, so the same interval is never counted
 * twice.
 */
export function refill(state: TokenBucketState, ratePerSecond: number, burst: number, now: number): TokenBucketState {
  assertLimits(ratePerSecond, burst);
  if (now <= state.updatedAt) {
    return { tokens: Math.min(burst, state.tokens), updatedAt: state.updatedAt };
  }
  const earned = ((now - state.updatedAt) * ratePerSecond) / 1000;
  return { tokens: Math.min(burst, state.tokens + earned), updatedAt: now };
}

/** Refills the bucket, then takes `cost` tokens if the bucket contains that many. */
export function take(
  state: TokenBucketState,
  ratePerSecond: number,
  burst: number,
  now: number,
  cost = 1,
): TakeResult {
  if (!Number.isFinite(cost) || cost < 0) {
    throw new RangeError(`cost must be a finite number >= 0, got ${cost}`);
  }
  const refilled = refill(state, ratePerSecond, burst, now);

  if (refilled.tokens >= cost) {
    return { allowed: true, state: { tokens: refilled.tokens - cost, updatedAt: refilled.updatedAt }, retryAfterMs: 0 };
  }

  if (cost > burst || ratePerSecond === 0) {
    return { allowed: false, state: refilled, retryAfterMs: Number.POSITIVE_INFINITY };
  }
  // After a backwards clock step, refilling resumes only once the clock passes updatedAt again.
  const pauseMs = Math.max(0, refilled.updatedAt - now);
  const missing = cost - refilled.tokens;
  return { allowed: false, state: refilled, retryAfterMs: Math.ceil(pauseMs + (missing * 1000) / ratePerSecond) };
}
