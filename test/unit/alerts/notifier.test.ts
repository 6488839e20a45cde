import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { AlertNotifier } from '../../../lib/alerts/notifier';
import type { AlertView } from '../../../lib/alerts/store';
import type { SendRequest, SendResult, Sender } from '../../../lib/delivery/sender';

const SECRET = 'whsec_' + Buffer.from('notifier-unit-test-secret-bytes!').toString('base64');

const ALERT: AlertView = {
  id: 'alt_0000000000test',
  endpointId: 'ep_1',
  endpointName: 'payments',
  kind: 'sustained_open',
  tier: 'critical',
  status: 'open',
  startedAt: '2026-12-04T12:00:00.000Z',
  resolvedAt: null,
  acknowledgedAt: null,
  acknowledgedBy: null,
  details: { state: 'open', limitSeconds: 300 },
  runbook: 'docs/runbooks/sustained-open.md',
  runbookSlug: 'sustained-open',
};

/** A sender that records each request and replies with the given status. */
function fakeSender(status: () => number | null): Sender & { requests: SendRequest[] } {
  const requests: SendRequest[] = [];
  return {
    requests,
    async send(request): Promise<SendResult> {
      requests.push(request);
      const code = status();
      return {
        status: code,
        error: code === null ? 'network' : null,
        errorMessage: code === null ? 'connect ECONNREFUSED' : null,
        retryAfter: null,
        responseExcerpt: null,
        durationMs: 3,
      };
    },
    async close() {},
  };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(Date.parse('2026-12-04T12:00:00Z'));
});

afterEach(() => {
  vi.useRealTimers();
});

describe('AlertNotifier', () => {
  it('sends a verifiable signed notification', async () => {
    const sender = fakeSender(() => 204);
    const notifier = new AlertNotifier({ url: 'http://127.0.0.1:9/alerts', secret: SECRET, sender, clock: () => Date.now() });
    notifier.enqueue('alert.raised', ALERT);
    await vi.advanceTimersByTimeAsync(10);

    expect(sender.requests).toHaveLength(1);
    const request = sender.requests[0];
    expect(request.url).toBe('http://127.0.0.1:9/alerts');
    expect(request.headers['webhook-id']).toBe('alt_0000000000test.raised');
    const payload = new Webhook(SECRET).verify(Buffer.from(request.body).toString('utf8'), {
      'webhook-id': request.headers['webhook-id'],
      'webhook-timestamp': request.headers['webhook-timestamp'],
      'webhook-signature': request.headers['webhook-signature'],
    }) as { type: string; data: AlertView };
    expect(payload.type).toBe('alert.raised');
    expect(payload.data).toEqual(ALERT);
    expect(notifier.queued).toBe(0);
    notifier.stop();
  });

  it('drops a rejected notification without retry', async () => {
    const sender = fakeSender(() => 400);
    const notifier = new AlertNotifier({ url: 'http://127.0.0.1:9/alerts', secret: SECRET, sender, clock: () => Date.now() });
    notifier.enqueue('alert.resolved', ALERT);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sender.requests).toHaveLength(1);
    expect(notifier.queued).toBe(0);
    notifier.stop();
  });

  it('retries and stops at the open breaker', async () => {
    let up = false;
    const sender = fakeSender(() => (up ? 200 : null));
    // A random source of 0.5 puts the jittered reset timeout at exactly 30 s.
    const notifier = new AlertNotifier({ url: 'http://127.0.0.1:9/alerts', secret: SECRET, sender, clock: () => Date.now(), random: () => 0.5 });
    notifier.enqueue('alert.raised', ALERT);

    // Attempts at 0 s, 1 s and 3 s fail; the third trips the breaker (3 calls, all failed).
    await vi.advanceTimersByTimeAsync(3_500);
    expect(sender.requests).toHaveLength(3);

    // The retry due at 7 s waits for the breaker's 30 s reset timeout instead.
    await vi.advanceTimersByTimeAsync(20_000);
    expect(sender.requests).toHaveLength(3);
    expect(notifier.queued).toBe(1);

    // After the reset timeout one probe goes out; it succeeds and the queue drains.
    up = true;
    await vi.advanceTimersByTimeAsync(15_000);
    expect(sender.requests).toHaveLength(4);
    expect(notifier.queued).toBe(0);
    expect(new Set(sender.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set(['alt_0000000000test.raised']));
    notifier.stop();
  });
});
