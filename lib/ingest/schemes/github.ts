import { hmacSha256 } from '../sign';
import { safeEqual } from './constant-time';
import { noSecretConfigured, optionalHeader, reject, requireHeader, type VerifyInput, type VerifyResult } from './types';

const SIGNATURE_HEADER = 'x-hub-signature-256';
const SIGNATURE_PREFIX = 'sha256=';
const EXPECTED = 'sha256=<hex HMAC-SHA256 of the body>';
const HEX = /^[0-9a-f]+$/;

/**
 * Verifies a GitHub webhook: `X-Hub-Signature-256` is `sha256=` and the hex HMAC-SHA256 of
 * the body. GitHub signs no timestamp, so a captured request stays valid and only
 * `X-GitHub-Delivery` lets the caller drop replays of it.
 */
export function verifyGithub(input: VerifyInput): VerifyResult {
  const header = requireHeader(input.headers, SIGNATURE_HEADER, 'X-Hub-Signature-256', EXPECTED);
  if (typeof header !== 'string') return header;

  if (!header.startsWith(SIGNATURE_PREFIX)) {
    return reject(
      401,
      'header_malformed',
      `X-Hub-Signature-256 must start with sha256=. Expected ${EXPECTED}.`,
      SIGNATURE_HEADER,
    );
  }
  const received = header.slice(SIGNATURE_PREFIX.length).toLowerCase();
  if (!HEX.test(received)) {
    return reject(
      401,
      'header_malformed',
      `X-Hub-Signature-256 must contain hexadecimal digits after sha256=. Expected ${EXPECTED}.`,
      SIGNATURE_HEADER,
    );
  }

  if (input.secrets.length === 0) return noSecretConfigured('GitHub webhook');
  const matched = input.secrets.some((secret) => safeEqual(received, hmacSha256(secret, input.body).toString('hex')));
  if (!matched) {
    return reject(
      401,
      'signature_invalid',
      'X-Hub-Signature-256 does not match the body for any active secret of this source. ' +
        'Check the webhook secret and sign the exact bytes sent.',
      SIGNATURE_HEADER,
    );
  }

  return {
    ok: true,
    externalId: optionalHeader(input.headers, 'x-github-delivery'),
    eventType: optionalHeader(input.headers, 'x-github-event'),
  };
}
