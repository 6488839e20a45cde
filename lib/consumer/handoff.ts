import { createHash } from 'node:crypto';

import { classifyResponse, type Classification } from '../breaker/classify';
import { USER_AGENT } from '../delivery/attempt';
import type { Sender } from '../delivery/sender';
import { standardWebhookHeaders } from '../delivery/signing';

/** The parts of an AMQP message that the hand-off uses. */
export type QueuedMessage = {
  body: Buffer;
  messageId: string | undefined;
  contentType: string | undefined;
};

/** Result of one HTTP hand-off, classified as the gateway classifies a delivery attempt. */
export type HandoffResult = {
  classification: Classification;
  status: number | null;
  durationMs: number;
  error: string | null;
};

/**
 * Returns the id sent as webhook-id and X-Idempotency-Key. It is the message's AMQP
 * message-id, or a SHA-256 of the body when the publisher set none, so every redelivery
 * carries the same id.
 */
export function messageKey(message: QueuedMessage): string {
  if (message.messageId) return message.messageId;
  return `sha256_${createHash('sha256').update(message.body).digest('hex').slice(0, 32)}`;
}

/**
 * POSTs one message body to the target and classifies the result. With a signing secret the
 * request carries Standard Webhooks headers, re-signed with a fresh timestamp on every try.
 * Errors are returned as values, and a timeout or network error is classified as a failure.
 */
export async function handOff(
  sender: Sender,
  input: { url: string; message: QueuedMessage; timeoutMs: number; signingSecret?: string },
): Promise<HandoffResult> {
  const key = messageKey(input.message);
  const headers: Record<string, string> = {
    'content-type': input.message.contentType ?? 'application/octet-stream',
    'user-agent': USER_AGENT,
    'x-idempotency-key': key,
    'webhook-id': key,
  };
  if (input.signingSecret) {
    Object.assign(
      headers,
      standardWebhookHeaders({ id: key, timestampSeconds: Math.floor(Date.now() / 1000), body: input.message.body, secret: input.signingSecret }),
    );
  }

  const result = await sender.send({ url: input.url, body: input.message.body, headers, timeoutMs: input.timeoutMs });
  // A target rejected as private never received the request. The breaker counts that as a
  // failed hand-off, and the message goes back to the queue.
  const error = result.error === 'refused_target' ? 'network' : (result.error ?? undefined);
  const classification = classifyResponse({ status: result.status ?? undefined, error, retryAfter: result.retryAfter }, Date.now());
  return { classification, status: result.status, durationMs: result.durationMs, error: result.errorMessage };
}
