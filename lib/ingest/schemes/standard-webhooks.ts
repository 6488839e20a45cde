import { decodeWhsecSecret, standardWebhooksSignature } from '../sign';
import { safeEqual } from './constant-time';
import {
  checkTimestamp,
  parseUnixSeconds,
  readJsonFields,
  reject,
  requireHeader,
  type VerifyInput,
  type VerifyResult,
} from './types';

const ID_HEADER = 'webhook-id';
const TIMESTAMP_HEADER = 'webhook-timestamp';
const SIGNATURE_HEADER = 'webhook-signature';
const EXPECTED_SIGNATURES = 'space-separated entries of the form v1,<base64 HMAC-SHA256>';

/**
 * Verifies a Standard Webhooks request: HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>`
 * with the base64 key of a `whsec_` secret. Only `v1` entries of `webhook-signature` are
 * checked. Other versions, such as the asymmetric `v1a`, are skipped. For well-formed headers
 * the result matches the `standardwebhooks` package 1.3, whose `verify` cannot be used here
 * because it reads the system clock. Unlike the package, a timestamp must be digits only.
 */
export function verifyStandardWebhooks(input: VerifyInput): VerifyResult {
  const id = requireHeader(input.headers, ID_HEADER, 'webhook-id', 'the unique message id');
  if (typeof id !== 'string') return id;
  const timestampText = requireHeader(input.headers, TIMESTAMP_HEADER, 'webhook-timestamp', 'Unix time in seconds');
  if (typeof timestampText !== 'string') return timestampText;
  const signatureList = requireHeader(input.headers, SIGNATURE_HEADER, 'webhook-signature', EXPECTED_SIGNATURES);
  if (typeof signatureList !== 'string') return signatureList;

  const timestamp = parseUnixSeconds(timestampText);
  if (timestamp === null) {
    return reject(
      401,
      'header_malformed',
      'webhook-timestamp must be Unix time in whole seconds, written as digits only.',
      TIMESTAMP_HEADER,
    );
  }

  const v1Signatures = signatureList
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => entry.slice('v1,'.length));
  if (v1Signatures.length === 0) {
    return reject(
      401,
      'signature_missing',
      `webhook-signature contains no v1 entry. Expected ${EXPECTED_SIGNATURES}. ` +
        'Other versions, such as v1a, are not verified.',
      SIGNATURE_HEADER,
    );
  }

  const stale = checkTimestamp(timestamp, input.now, input.options.toleranceSeconds, TIMESTAMP_HEADER, 'webhook-timestamp');
  if (stale) return stale;

  const keys: Buffer[] = [];
  for (const secret of input.secrets) {
    try {
      keys.push(decodeWhsecSecret(secret));
    } catch {
      // A stored secret that is not valid base64 can never match, so it is skipped.
    }
  }
  if (keys.length === 0) {
    return reject(
      401,
      'signature_invalid',
      'This source has no valid whsec_ secret, so no signature can be verified. ' +
        'An administrator must add a secret to the source.',
    );
  }

  const matched = keys.some((key) => {
    const expected = standardWebhooksSignature(key, id, timestamp, input.body);
    return v1Signatures.some((candidate) => safeEqual(candidate, expected));
  });
  if (!matched) {
    return reject(
      401,
      'signature_invalid',
      'No v1 entry in webhook-signature matches webhook-id, webhook-timestamp and the body ' +
        'for any active secret of this source. Check the secret and sign the exact bytes sent.',
      SIGNATURE_HEADER,
    );
  }

  return { ok: true, externalId: id, eventType: readJsonFields(input.body).type };
}
