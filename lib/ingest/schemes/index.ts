import { verifyGithub } from './github';
import { verifyHmac } from './hmac';
import { verifyJwt } from './jwt';
import { verifyStandardWebhooks } from './standard-webhooks';
import { verifyStripe } from './stripe';
import { reject, SchemeOptionsSchema, type SchemeName, type SchemeVerifier, type VerifyInput, type VerifyResult } from './types';

export { safeEqual } from './constant-time';
export {
  SCHEME_NAMES,
  SchemeOptionsSchema,
  type SchemeName,
  type SchemeOptions,
  type SchemeOptionsInput,
  type VerifyFailure,
  type VerifyInput,
  type VerifyResult,
} from './types';

const VERIFIERS: Record<SchemeName, SchemeVerifier> = {
  github: verifyGithub,
  stripe: verifyStripe,
  'standard-webhooks': verifyStandardWebhooks,
  'hmac-sha256': verifyHmac,
  jwt: verifyJwt,
};

/**
 * Verifies an inbound request with the source's scheme. The promise never rejects. The
 * options are parsed again because they come from stored JSON. An error thrown inside a
 * scheme is a bug, so it becomes a 401 `signature_invalid` with the error in `cause`, for the
 * caller to log. Empty secrets are ignored.
 *
 * Invalid stored options are the source's fault, not the producer's, but `VerifyResult`
 * allows only 401. They are returned as 401 `source_misconfigured`, which a caller
 * may report as a server error instead.
 */
export async function verify(scheme: SchemeName, input: VerifyInput): Promise<VerifyResult> {
  try {
    const verifier = Object.hasOwn(VERIFIERS, scheme) ? VERIFIERS[scheme] : undefined;
    if (!verifier) {
      return reject(401, 'scheme_unknown', `This source uses an unknown signature scheme: ${String(scheme)}.`);
    }

    const options = SchemeOptionsSchema.safeParse(input.options ?? {});
    if (!options.success) {
      const problems = options.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`);
      return reject(
        401,
        'source_misconfigured',
        `The verification options of this source are invalid (${problems.join('; ')}). ` +
          'An administrator must correct them.',
      );
    }

    // An empty string is no secret, because anyone can sign with an empty HMAC key.
    const secrets = input.secrets.filter((secret) => secret !== '');
    return await verifier({ ...input, secrets, options: options.data });
  } catch (error) {
    return {
      ...reject(401, 'signature_invalid', 'The signature could not be verified because of an internal error.'),
      cause: error,
    };
  }
}
