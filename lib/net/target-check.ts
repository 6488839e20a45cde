import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';

import { isLocalName, isPrivateAddress } from './private-address';

export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = async (host) => (await dnsLookup(host, { all: true })).map((entry) => entry.address);

export type TargetCheck = { ok: true } | { ok: false; message: string };

/**
 * Checks that a webhook URL is http(s) and, unless private targets are allowed, that its host
 * and every address it resolves to lie outside loopback, private, link-local, multicast and
 * metadata ranges. `resolve` is injectable so tests never perform a real DNS look-up.
 */
export async function checkTargetUrl(
  raw: string,
  options: { allowPrivate: boolean; resolve?: Resolver },
): Promise<TargetCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: 'must be an absolute http:// or https:// URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: `must use http or https, not ${url.protocol.replace(':', '')}` };
  }
  if (url.username || url.password) return { ok: false, message: 'must not contain credentials' };
  if (options.allowPrivate) return { ok: true };

  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const refusal = {
    ok: false as const,
    message: `points at a private, loopback, link-local or metadata address (${url.hostname}); set SWITCHYARD_ALLOW_PRIVATE_TARGETS=1 to allow it`,
  };
  if (isIP(host)) return isPrivateAddress(host) ? refusal : { ok: true };
  if (isLocalName(host)) return refusal;

  let addresses: string[];
  try {
    addresses = await (options.resolve ?? systemResolver)(host);
  } catch {
    return { ok: false, message: `host ${host} could not be resolved` };
  }
  if (addresses.length === 0) return { ok: false, message: `host ${host} could not be resolved` };
  return addresses.some(isPrivateAddress) ? refusal : { ok: true };
}
