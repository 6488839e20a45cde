import { randomBytes } from 'node:crypto';

import amqp, { type Channel, type ChannelModel } from 'amqplib';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BreakerConsumer } from '../../lib/consumer/consumer';
import { type Receiver, startReceiver } from '../support/receiver';
import { waitFor } from '../support/scenario';

// A real RabbitMQ broker on 127.0.0.1 (guest/guest, as on the project's machines and CI) and
// a real HTTP receiver that fails until the breaker has opened, then recovers.
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const MESSAGES = 40;
const PREFETCH = 8;
const BREAKER = {
  windowSeconds: 10,
  bucketSeconds: 1,
  minVolume: 5,
  failureRateThreshold: 0.5,
  resetTimeoutMs: 1500,
  resetJitter: 0,
  halfOpenMaxConcurrent: 1,
  successThreshold: 3,
  probeIntervalMs: 100,
  rampUpMs: 300,
  requestTimeoutMs: 2000,
};

let connection: ChannelModel | null = null;
let publisher: Channel | null = null;
let queue: string;
let receiver: Receiver;
let consumer: BreakerConsumer | null = null;
let failing = true;

async function connectToBroker(): Promise<ChannelModel> {
  try {
    return await amqp.connect(AMQP_URL, { timeout: 5_000 });
  } catch (error) {
    const host = new URL(AMQP_URL).host;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `RabbitMQ is not reachable at ${host} (${reason}). The consumer test needs a running broker: ` +
        'start RabbitMQ on 127.0.0.1:5672 with the guest user, or set AMQP_URL.',
    );
  }
}

beforeAll(async () => {
  receiver = await startReceiver(() => (failing ? { status: 500 } : { status: 200 }));
});

afterAll(async () => {
  await consumer?.stop(2_000);
  if (publisher) await publisher.deleteQueue(queue).catch(() => {});
  await connection?.close().catch(() => {});
  await receiver?.close();
});

type Seen = { to: string; at: number };

describe('breaker consumer', () => {
  it('pauses while open and loses nothing', async () => {
    // Connecting here, not in beforeAll, makes a missing broker fail this test instead of
    // skipping it.
    connection = await connectToBroker();
    const channel = await connection.createConfirmChannel();
    publisher = channel;
    queue = `switchyard-consumer-test-${randomBytes(4).toString('hex')}`;
    await channel.assertQueue(queue, { durable: false, autoDelete: false });

    for (let i = 0; i < MESSAGES; i++) {
      channel.sendToQueue(queue, Buffer.from(JSON.stringify({ n: i })), { messageId: `msg-${i}`, contentType: 'application/json', persistent: true });
    }
    await channel.waitForConfirms();
    expect((await channel.checkQueue(queue)).messageCount).toBe(MESSAGES);

    const transitions: Seen[] = [];
    consumer = new BreakerConsumer({
      connection,
      queue,
      targetUrl: receiver.url,
      breaker: BREAKER,
      prefetch: PREFETCH,
      requeueDelayMs: 20,
      allowPrivateTargets: true,
      logger: pino({ level: 'silent' }),
      onTransition: (plan) => transitions.push({ to: plan.transition.to, at: Date.now() }),
    });
    await consumer.start();

    // Failing hand-offs trip the breaker.
    const opened = await waitFor(async () => transitions.find((t) => t.to === 'open'), 10_000, 'the breaker to open');

    // While open, the queue has no consumer and every message is back in it as ready.
    const paused = await waitFor(
      async () => {
        const state = await channel.checkQueue(queue);
        return state.consumerCount === 0 && state.messageCount === MESSAGES ? state : null;
      },
      1_000,
      'the consumer to be cancelled and all messages requeued',
    );
    expect(paused.messageCount).toBe(MESSAGES);
    expect(consumer.mode).toBe('paused');
    expect(consumer.acknowledged).toBe(0);
    expect(transitions.find((t) => t.to === 'half_open')).toBeUndefined();

    // The receiver recovers during the open period.
    failing = false;
    const halfOpen = await waitFor(async () => transitions.find((t) => t.to === 'half_open'), 5_000, 'half-open');
    expect(halfOpen.at - opened.at).toBeGreaterThanOrEqual(BREAKER.resetTimeoutMs - 50);

    // Requests in flight at the trip may land just after it, but nothing arrives later while open.
    const duringOpen = receiver.log.filter((r) => r.at > opened.at + 200 && r.at < halfOpen.at);
    expect(duringOpen).toEqual([]);

    const closed = await waitFor(async () => transitions.find((t) => t.to === 'closed'), 10_000, 'the breaker to close');
    expect(transitions.map((t) => t.to).slice(0, 3)).toEqual(['open', 'half_open', 'closed']);

    // Half-open sends one probe at a time, each after the previous one finished.
    const probes = receiver.log.filter((r) => r.at >= halfOpen.at && r.at <= closed.at).sort((a, b) => a.at - b.at);
    expect(probes.length).toBe(BREAKER.successThreshold);
    for (let i = 1; i < probes.length; i++) {
      expect(probes[i].at).toBeGreaterThanOrEqual(probes[i - 1].finishedAt - 2);
    }

    // Once closed, consumption resumes and every message reaches the receiver with a 2xx.
    const ids = Array.from({ length: MESSAGES }, (_, i) => `msg-${i}`);
    await waitFor(async () => consumer!.acknowledged === MESSAGES, 15_000, 'every message to be acknowledged');
    const delivered = new Set(receiver.log.filter((r) => r.status === 200).map((r) => r.headers['x-idempotency-key']));
    expect([...delivered].sort()).toEqual([...ids].sort());
    for (const request of receiver.log) expect(request.headers['webhook-id']).toBe(request.headers['x-idempotency-key']);

    // Nothing is left in the queue, ready or unacknowledged.
    await consumer.stop(2_000);
    consumer = null;
    const final = await channel.checkQueue(queue);
    expect(final.messageCount).toBe(0);
    expect(final.consumerCount).toBe(0);
  });
});
