import { hmacSha256 } from '../sign';
import { safeEqual } from './constant-time';
import {
  noSecretConfigured,
  optionalHeader,
  readJsonFields,
  reject,
  requireHeader,
  type VerifyInput,
  type VerifyResult,
} from './types';

const HEX = /^[0-9a-f]+$/;
// Standard or URL-safe base64 alphabet, padding optional.
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

// Maps URL-safe base64 to the standard alphabet and drops padding, so that both spellings
// of the same bytes compare equal.
function canonicalBase64(text: string): string {
  return text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
}

/**
 * Verifies a plain HMAC-SHA256 of the body, sent in the header named by `options.header`,
 * hex or base64 encoded, after `options.prefix` when one is set. The scheme signs no
 * timestamp, so only `Idempotency-Key` lets the caller drop replayed requests.
 */
export function verifyHmac(input: VerifyInput): VerifyResult {
  const { header: headerName, encoding, prefix = '' } = input.options;
  const expectedFormat = `${prefix}<${encoding} HMAC-SHA256 of the body>`;

  const header = requireHeader(input.headers, headerName, headerName, expectedFormat);
  if (typeof header !== 'string') return header;

  if (!header.startsWith(prefix)) {
    return reject(
      401,
      'header_malformed',
      `${headerName} must start with ${prefix}. Expected ${expectedFormat}.`,
      headerName,
    );
  }
  const encoded = header.slice(prefix.length);

  let received: string;
  if (encoding === 'hex') {
    received = encoded.toLowerCase();
    if (!HEX.test(received)) {
      return reject(
        401,
        'header_malformed',
        `${headerName} must contain hexadecimal digits. Expected ${expectedFormat}.`,
        headerName,
      );
    }
  } else {
    if (!BASE64.test(encoded)) {
      return reject(401, 'header_malformed', `${headerName} must contain base64. Expected ${expectedFormat}.`, headerName);
    }
    received = canonicalBase64(encoded);
  }

  if (input.secrets.length === 0) return noSecretConfigured('HMAC');
  const matched = input.secrets.some((secret) => {
    const digest = hmacSha256(secret, input.body);
    const expected = encoding === 'hex' ? digest.toString('hex') : canonicalBase64(digest.toString('base64'));
    return safeEqual(received, expected);
  });
  if (!matched) {
    return reject(
      401,
      'signature_invalid',
      `${headerName} does not match the body for any active secret of this source. ` +
        'Check the secret and sign the exact bytes sent.',
      headerName,
    );
  }

  return {
    ok: true,
    externalId: optionalHeader(input.headers, 'idempotency-key'),
    eventType: readJsonFields(input.body).type,
  };
}
