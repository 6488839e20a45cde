import { stripeV1Signature } from '../sign';
import { safeEqual } from './constant-time';
import {
  checkTimestamp,
  noSecretConfigured,
  parseUnixSeconds,
  readJsonFields,
  reject,
  requireHeader,
  type VerifyInput,
  type VerifyResult,
} from './types';

const SIGNATURE_HEADER = 'stripe-signature';
const EXPECTED = 't=<Unix time in seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">';

type StripeSignatureHeader = { timestampText: string | null; v1: string[]; conflictingTimestamps: boolean };

function parseStripeSignature(header: string): StripeSignatureHeader {
  const parsed: StripeSignatureHeader = { timestampText: null, v1: [], conflictingTimestamps: false };
  for (const item of header.split(',')) {
    const separator = item.indexOf('=');
    if (separator < 0) continue;
    const key = item.slice(0, separator).trim();
    const value = item.slice(separator + 1).trim();
    if (key === 't') {
      if (parsed.timestampText !== null && parsed.timestampText !== value) parsed.conflictingTimestamps = true;
      parsed.timestampText = value;
    } else if (key === 'v1' && value !== '') {
      parsed.v1.push(value.toLowerCase());
    }
  }
  return parsed;
}

/**
 * Verifies a Stripe webhook. `Stripe-Signature` carries one timestamp and one or more `v1`
 * signatures, and the request passes when any `v1` matches any active secret. Other schemes
 * in the header, such as `v0`, are ignored. The event id and type come from the JSON body,
 * which is parsed only after the signature matched.
 */
export function verifyStripe(input: VerifyInput): VerifyResult {
  const header = requireHeader(input.headers, SIGNATURE_HEADER, 'Stripe-Signature', EXPECTED);
  if (typeof header !== 'string') return header;

  const parsed = parseStripeSignature(header);
  if (parsed.conflictingTimestamps) {
    return reject(
      401,
      'header_malformed',
      `Stripe-Signature contains more than one t= value. Expected ${EXPECTED}.`,
      SIGNATURE_HEADER,
    );
  }
  const timestamp = parsed.timestampText === null ? null : parseUnixSeconds(parsed.timestampText);
  if (timestamp === null) {
    return reject(
      401,
      'header_malformed',
      `Stripe-Signature has no valid t= timestamp in whole seconds. Expected ${EXPECTED}.`,
      SIGNATURE_HEADER,
    );
  }
  if (parsed.v1.length === 0) {
    return reject(
      401,
      'signature_missing',
      `Stripe-Signature contains no v1 signature. Expected ${EXPECTED}.`,
      SIGNATURE_HEADER,
    );
  }

  const stale = checkTimestamp(timestamp, input.now, input.options.toleranceSeconds, SIGNATURE_HEADER, 'Stripe-Signature');
  if (stale) return stale;

  if (input.secrets.length === 0) return noSecretConfigured('Stripe endpoint');
  const matched = input.secrets.some((secret) => {
    const expected = stripeV1Signature(input.body, secret, timestamp);
    return parsed.v1.some((candidate) => safeEqual(candidate, expected));
  });
  if (!matched) {
    return reject(
      401,
      'signature_invalid',
      'No v1 signature in Stripe-Signature matches the body for any active secret of this source. ' +
        'Check the endpoint secret and sign the exact bytes sent.',
      SIGNATURE_HEADER,
    );
  }

  const fields = readJsonFields(input.body);
  return { ok: true, externalId: fields.id, eventType: fields.type };
}
