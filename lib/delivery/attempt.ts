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
    // Standard Webhooks has no event type header, and producers such as GitHub send the type
    // only as a header. So it is passed on here, with the event's id.
    'x-switchyard-event-id': delivery.eventId,
    ...(delivery.eventType ? { 'x-switchyard-event-type': delivery.eventType } : {}),
    ...standardWebhookHeaders({
      id: delivery.id,
      timestampSeconds: Math.floor(nowMs / 1000),
      body: delivery.body,
      secret: endpoint.signingSecret,
    }),
  };
}

/** Changes made by one attempt: the attempt row, the delivery row, and the breaker's input. */
export type AttemptEffects = {
  attempt: AttemptRow;
  update: DeliveryUpdate;
  breaker: CallResult;
  pauseUntil: number | null;
  gone: boolean;
};

/**
 * Turns an HTTP result into the attempt's effects, following the outcome table. A 2xx is
 * delivered. A timeout, network error, 5xx or 408 is retried with backoff. A 429, or a 503
 * with Retry-After, pauses the endpoint without spending an attempt. A 410 keeps the delivery
 * waiting and disables the endpoint. Any other 3xx or 4xx is dead-lettered at once.
 */
export function attemptEffects(
  input: { delivery: ClaimedDelivery; endpoint: CachedEndpoint; result: SendResult; startedAt: number; now: number; wallNow: number },
  random: () => number = Math.random,
): AttemptEffects {
  const { delivery, endpoint, result, startedAt, now } = input;
  const number = delivery.attempts + 1;
  const onFallback = delivery.route !== 'primary';
  const base = {
    id: newId('attempt'),
    deliveryId: delivery.id,
    endpointId: endpoint.id,
    number,
    status: result.status,
    probe: delivery.probe,
    replay: delivery.replayCount > 0,
    route: onFallback ? ('fallback' as const) : ('primary' as const),
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
    route: base.route,
    finishedAt: null,
    ...fields,
  });
  const effects = (outcome: string, next: DeliveryUpdate, breaker: CallResult = 'ignored'): AttemptEffects => ({
    attempt: { ...base, outcome },
    update: next,
    breaker,
    pauseUntil: null,
    gone: false,
  });

  if (result.error === 'refused_target') {
    return effects('refused_target', update({ status: 'dead', deadReason: 'target_refused', lastError: result.errorMessage, finishedAt: now }));
  }

  const classified = classifyResponse(
    { status: result.status ?? undefined, error: result.error ?? undefined, retryAfter: result.retryAfter },
    input.wallNow,
  );
  const lastError = result.errorMessage ?? (result.status !== null ? `HTTP ${result.status}` : null);
  const outcome = classified.delivery === 'delivered' ? 'success' : (result.error ?? OUTCOME_LABEL[classified.delivery]);

  // The fallback receiver is not the endpoint: its results never feed the endpoint's breaker.
  if (onFallback) {
    if (classified.delivery === 'delivered') return effects(outcome, update({ status: 'delivered', route: 'fallback', finishedAt: now }));
    if (delivery.route === 'fallback_final') {
      return effects(outcome, update({ status: 'dead', route: 'fallback', lastError: `fallback: ${lastError}`, finishedAt: now }));
    }
    const decision = afterFailure(endpoint.retry, { attempts: number, createdAt: delivery.queuedAt, now }, random);
    return effects(
      outcome,
      decision.kind === 'retry'
        ? update({ status: 'failed', route: 'primary', nextAttemptAt: decision.at, lastError: `fallback: ${lastError}` })
        : update({ status: 'dead', deadReason: decision.reason, lastError: `fallback: ${lastError}`, finishedAt: now }),
    );
  }

  const deadOrFallback = (deadReason: string, fields: Partial<DeliveryUpdate> = {}): DeliveryUpdate =>
    endpoint.fallbackUrl && endpoint.fallbackOn !== 'held'
      ? update({ status: 'pending', route: 'fallback_final', deadReason, lastError, nextAttemptAt: now, ...fields })
      : update({ status: 'dead', deadReason, lastError, finishedAt: now, ...fields });

  switch (classified.delivery) {
    case 'delivered':
      return effects(outcome, update({ status: 'delivered', finishedAt: now }), classified.breaker);
    case 'throttled': {
      const pauseUntil = now + (classified.pauseMs ?? 60_000);
      const tooOld = now - delivery.queuedAt >= endpoint.retry.maxAgeMs;
      return {
        ...effects(
          outcome,
          tooOld
            ? deadOrFallback('max_age', { attempts: delivery.attempts })
            : update({ status: delivery.attempts === 0 ? 'pending' : 'failed', attempts: delivery.attempts, nextAttemptAt: pauseUntil, lastError }),
          classified.breaker,
        ),
        pauseUntil,
      };
    }
    case 'gone':
      return {
        ...effects(outcome, update({ status: delivery.attempts === 0 ? 'pending' : 'failed', attempts: delivery.attempts, lastError }), classified.breaker),
        gone: true,
      };
    case 'dead':
      return effects(outcome, deadOrFallback(`rejected_${result.status}`), classified.breaker);
    case 'retry': {
      const decision = afterFailure(endpoint.retry, { attempts: number, createdAt: delivery.queuedAt, now }, random);
      return effects(
        outcome,
        decision.kind === 'retry' ? update({ status: 'failed', nextAttemptAt: decision.at, lastError }) : deadOrFallback(decision.reason),
        classified.breaker,
      );
    }
  }
}

const OUTCOME_LABEL: Record<string, string> = {
  retry: 'failure',
  throttled: 'throttled',
  gone: 'gone',
  dead: 'permanent',
};
