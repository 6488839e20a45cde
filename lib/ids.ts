import { randomBytes } from 'node:crypto';

export const ID_PREFIXES = {
  source: 'src',
  endpoint: 'ep',
  subscription: 'sub',
  event: 'evt',
  delivery: 'dlv',
  attempt: 'att',
  transition: 'trn',
  audit: 'aud',
  replay: 'rpl',
  permit: 'prm',
  token: 'tok',
  user: 'usr',
  alert: 'alt',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

// Time-ordered: 48 bits of milliseconds then 80 random bits, base32 (Crockford), so ids sort
// by creation time and index well.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

// Random bytes are drawn from the system in blocks: one call per 256 ids instead of one per
// id, which matters on the delivery path where every attempt gets an id.
const RANDOM_BLOCK = 4096;
let randomPool = Buffer.alloc(0);
let randomOffset = 0;

function randomSlice(): Buffer {
  if (randomOffset + 16 > randomPool.length) {
    randomPool = randomBytes(RANDOM_BLOCK);
    randomOffset = 0;
  }
  const slice = randomPool.subarray(randomOffset, randomOffset + 16);
  randomOffset += 16;
  return slice;
}

export function newId(kind: IdKind, now = Date.now()): string {
  let time = '';
  // The breaker clock has fractional milliseconds; ids take whole ones.
  let t = Math.max(0, Math.floor(now));
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const random = randomSlice();
  let tail = '';
  for (let i = 0; i < 16; i++) tail += ALPHABET[random[i] % 32];
  return `${ID_PREFIXES[kind]}_${time}${tail}`;
}

export function hasPrefix(id: string, kind: IdKind): boolean {
  return id.startsWith(`${ID_PREFIXES[kind]}_`) && id.length > ID_PREFIXES[kind].length + 1;
}
