import { classifyResponse } from '../breaker';
import type { CallResult } from '../breaker/types';
import type { CachedEndpoint } from '../registry/endpoint-cache';
import { newId } from '../ids';
import type { ClaimedDelivery } from './claim';
import type { AttemptRow, DeliveryUpdate } from './record';
import { afterFailure } from './retry';
import type { SendResult } from './sender';
import { standardWebhookHeaders } from './signing';

export const USER_AGENT = 'Switchyard-Webhooks/0.1';

/** Builds the headers of one attempt: content type, a fresh Standard Webhooks signature, the id. */
export function attemptHeaders(delivery: ClaimedDelivery, endpoint: CachedEndpoint, nowMs: number): Record<string, string> {
  return {
    'content-type': delivery.contentType ?? 'application/json',
    'user-agent': USER_AGENT,
    'x-idempotency-key': delivery.id,
    ...standardWebhookHeaders({
      id: delivery.id,
      timestampSeconds: Math.floor(nowMs / 1000),
      body: delivery.body,
      secret: endpoint.signingSecret,
    }),
  };
}

/** What one attempt changes: the attempt row, the delivery row, and the breaker's input. */
export type AttemptEffects = {
  attempt: AttemptRow;
  update: DeliveryUpdate;
  breaker: CallResult;
  pauseUntil: number | null;
  gone: boolean;
};

/**
 * Turns an HTTP result into the attempt's effects, following the outcome table: 2xx delivered;
 * timeout, network error, 5xx and 408 retried with backoff; 429 and 503 with Retry-After
 * paused without spending an attempt; 410 holds the delivery and disables the endpoint; other
 * 3xx and 4xx dead-lettered at once.
 */
export function attemptEffects(
  input: { delivery: ClaimedDelivery; endpoint: CachedEndpoint; result: SendResult; startedAt: number; now: number; wallNow: number },
  random: () => number = Math.random,
): AttemptEffects {
  const { delivery, endpoint, result, startedAt, now } = input;
  const number = delivery.attempts + 1;
  const base = {
    id: newId('attempt'),
    deliveryId: delivery.id,
    endpointId: endpoint.id,
    number,
    status: result.status,
    probe: delivery.probe,
    replay: delivery.replayCount > 0,
    route: 'primary' as const,
    durationMs: result.durationMs,
    error: result.errorMessage,
    responseExcerpt: result.responseExcerpt,
    startedAt,
  };
  const update = (fields: Partial<DeliveryUpdate> & Pick<DeliveryUpdate, 'status'>): DeliveryUpdate => ({
    id: delivery.id,
    attempts: number,
    nextAttemptAt: now,
    lastError: null,
    deadReason: null,
    route: 'primary',
    finishedAt: null,
    ...fields,
  });

  if (result.error === 'refused_target') {
    return {
      attempt: { ...base, outcome: 'refused_target' },
      update: update({ status: 'dead', deadReason: 'target_refused', lastError: result.errorMessage, finishedAt: now }),
      breaker: 'ignored',
      pauseUntil: null,
      gone: false,
    };
  }

  const classified = classifyResponse(
    { status: result.status ?? undefined, error: result.error ?? undefined, retryAfter: result.retryAfter },
    input.wallNow,
  );
  const lastError = result.errorMessage ?? (result.status !== null ? `HTTP ${result.status}` : null);

  switch (classified.delivery) {
    case 'delivered':
      return { attempt: { ...base, outcome: 'success' }, update: update({ status: 'delivered', finishedAt: now }), breaker: classified.breaker, pauseUntil: null, gone: false };
    case 'throttled': {
      const pauseUntil = now + (classified.pauseMs ?? 60_000);
      const tooOld = now - delivery.queuedAt >= endpoint.retry.maxAgeMs;
      return {
        attempt: { ...base, outcome: 'throttled' },
        update: tooOld
          ? update({ status: 'dead', attempts: delivery.attempts, deadReason: 'max_age', lastError, finishedAt: now })
          : update({ status: delivery.attempts === 0 ? 'pending' : 'failed', attempts: delivery.attempts, nextAttemptAt: pauseUntil, lastError }),
        breaker: classified.breaker,
        pauseUntil,
        gone: false,
      };
    }
    case 'gone':
      return {
        attempt: { ...base, outcome: 'gone' },
        update: update({ status: delivery.attempts === 0 ? 'pending' : 'failed', attempts: delivery.attempts, lastError }),
        breaker: classified.breaker,
        pauseUntil: null,
        gone: true,
      };
    case 'dead':
      return {
        attempt: { ...base, outcome: 'permanent' },
        update: update({ status: 'dead', deadReason: `rejected_${result.status}`, lastError, finishedAt: now }),
        breaker: classified.breaker,
        pauseUntil: null,
        gone: false,
      };
    case 'retry': {
      const decision = afterFailure(endpoint.retry, { attempts: number, createdAt: delivery.queuedAt, now }, random);
      const outcome = result.error ?? 'failure';
      return {
        attempt: { ...base, outcome },
        update:
          decision.kind === 'retry'
            ? update({ status: 'failed', nextAttemptAt: decision.at, lastError })
            : update({ status: 'dead', deadReason: decision.reason, lastError, finishedAt: now }),
        breaker: classified.breaker,
        pauseUntil: null,
        gone: false,
      };
    }
  }
}
