import { describe, expect, it } from 'vitest';

import { DEFAULT_BREAKER_CONFIG } from '../../../lib/breaker/config';
import { initialSnapshot } from '../../../lib/breaker/machine';
import { attemptEffects, attemptHeaders } from '../../../lib/delivery/attempt';
import type { ClaimedDelivery } from '../../../lib/delivery/claim';
import { RetryConfigSchema } from '../../../lib/delivery/retry';
import type { SendResult } from '../../../lib/delivery/sender';
import type { CachedEndpoint } from '../../../lib/registry/endpoint-cache';

const NOW = 1_800_000_000_000;

const endpoint: CachedEndpoint = {
  id: 'ep_1',
  name: 'orders',
  url: 'https://receiver.example/hook',
  fallbackUrl: null,
  fallbackOn: 'held',
  tier: 'standard',
  signingSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  breaker: DEFAULT_BREAKER_CONFIG,
  retry: RetryConfigSchema.parse({ maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 10_000, maxAgeMs: 3_600_000 }),
  snapshot: initialSnapshot(NOW),
};

function delivery(overrides: Partial<ClaimedDelivery> = {}): ClaimedDelivery {
  return {
    id: 'dlv_1',
    endpointId: 'ep_1',
    eventId: 'evt_1',
    attempts: 0,
    queuedAt: NOW - 1000,
    replayCount: 0,
    body: Buffer.from('{"a":1}'),
    contentType: 'application/json',
    eventType: 'push',
    probe: false,
    route: 'primary',
    ...overrides,
  };
}

function result(overrides: Partial<SendResult>): SendResult {
  return { status: 200, error: null, errorMessage: null, retryAfter: null, responseExcerpt: null, durationMs: 12, ...overrides };
}

const effects = (r: Partial<SendResult>, d: Partial<ClaimedDelivery> = {}, e: Partial<CachedEndpoint> = {}) =>
  attemptEffects({ delivery: delivery(d), endpoint: { ...endpoint, ...e }, result: result(r), startedAt: NOW, now: NOW + 20, wallNow: NOW + 20 }, () => 0.5);

describe('attemptEffects', () => {
  it('marks a 2xx delivered and a breaker success', () => {
    const e = effects({ status: 204 });
    expect(e.update).toMatchObject({ status: 'delivered', attempts: 1, finishedAt: NOW + 20 });
    expect(e.attempt).toMatchObject({ outcome: 'success', number: 1, status: 204, route: 'primary' });
    expect(e.breaker).toBe('success');
  });

  it('retries a 500 with backoff and counts a breaker failure', () => {
    const e = effects({ status: 500 });
    expect(e.update).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: NOW + 20 + 500, lastError: 'HTTP 500' });
    expect(e.breaker).toBe('failure');
  });

  it('retries a timeout and labels the attempt', () => {
    const e = effects({ status: null, error: 'timeout', errorMessage: 'timed out' });
    expect(e.attempt.outcome).toBe('timeout');
    expect(e.update.status).toBe('failed');
    expect(e.breaker).toBe('failure');
  });

  it('dead-letters after the last attempt', () => {
    const e = effects({ status: 503 }, { attempts: 2 });
    expect(e.update).toMatchObject({ status: 'dead', deadReason: 'max_attempts', attempts: 3 });
  });

  it('dead-letters a 4xx at once and counts the receiver as healthy', () => {
    const e = effects({ status: 404 });
    expect(e.update).toMatchObject({ status: 'dead', deadReason: 'rejected_404' });
    expect(e.breaker).toBe('success');
  });

  it('pauses on 429 without spending an attempt', () => {
    const e = effects({ status: 429, retryAfter: '30' }, { attempts: 1 });
    expect(e.pauseUntil).toBe(NOW + 20 + 30_000);
    expect(e.update).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: NOW + 20 + 30_000 });
    expect(e.breaker).toBe('throttled');
  });

  it('pauses a 429 without Retry-After for 60 s', () => {
    expect(effects({ status: 429 }).pauseUntil).toBe(NOW + 20 + 60_000);
  });

  it('dead-letters a throttled delivery past maxAge', () => {
    const e = effects({ status: 429, retryAfter: '5' }, { queuedAt: NOW - 3_600_000 });
    expect(e.update).toMatchObject({ status: 'dead', deadReason: 'max_age', attempts: 0 });
  });

  it('holds the delivery and disables the endpoint on 410', () => {
    const e = effects({ status: 410 });
    expect(e.gone).toBe(true);
    expect(e.update).toMatchObject({ status: 'pending', attempts: 0 });
    expect(e.breaker).toBe('ignored');
  });

  it('marks a delivery for the fallback instead of dead when configured', () => {
    const e = effects({ status: 400 }, {}, { fallbackUrl: 'https://fallback.example/hook', fallbackOn: 'dead' });
    expect(e.update).toMatchObject({ status: 'pending', route: 'fallback_final', deadReason: 'rejected_400' });
  });

  it('never feeds a fallback result into the breaker', () => {
    const e = effects({ status: 500 }, { route: 'fallback' }, { fallbackUrl: 'https://fallback.example/hook' });
    expect(e.breaker).toBe('ignored');
    expect(e.attempt.route).toBe('fallback');
    expect(e.update).toMatchObject({ status: 'failed', route: 'primary' });
  });

  it('dead-letters when the last try on the fallback fails', () => {
    const e = effects({ status: 502 }, { route: 'fallback_final' }, { fallbackUrl: 'https://fallback.example/hook' });
    expect(e.update).toMatchObject({ status: 'dead', route: 'fallback' });
  });
});

describe('attemptHeaders', () => {
  it('sends the delivery id as webhook-id and idempotency key with a fresh timestamp', () => {
    const first = attemptHeaders(delivery(), endpoint, NOW);
    const later = attemptHeaders(delivery(), endpoint, NOW + 5000);
    expect(first['webhook-id']).toBe('dlv_1');
    expect(first['x-idempotency-key']).toBe('dlv_1');
    expect(first['x-switchyard-event-type']).toBe('push');
    expect(first['x-switchyard-event-id']).toBe('evt_1');
    expect(first['webhook-timestamp']).toBe(String(NOW / 1000));
    expect(later['webhook-timestamp']).toBe(String(NOW / 1000 + 5));
    expect(later['webhook-signature']).not.toBe(first['webhook-signature']);
    expect(first['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
  });
});
