import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

import { readOrCreateSecret } from '../config/data-dir';
import { config } from '../config/env';

// Format of a stored secret: "v1:" + base64url(iv | ciphertext | tag), AES-256-GCM with a
// 12-byte IV and a 16-byte tag. The key is 32 bytes, given as 64 hex or 44 base64 characters.
const FORMAT = 'v1:';

export class EncryptionKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncryptionKeyError';
  }
}

export function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new EncryptionKeyError(
      'SWITCHYARD_ENCRYPTION_KEY must be 32 bytes as 64 hex or 44 base64 characters; generate one with `openssl rand -hex 32`.',
    );
  }
  return key;
}

type KeyHolder = { __switchyardKey?: Buffer };

export function encryptionKey(): Buffer {
  const holder = globalThis as KeyHolder;
  if (!holder.__switchyardKey) {
    const fromEnv = config().encryptionKey;
    const text = fromEnv ?? readOrCreateSecret('encryption.key', () => randomBytes(32).toString('hex')).value;
    holder.__switchyardKey = parseKey(text);
  }
  return holder.__switchyardKey;
}

/** A short fingerprint of the key, stored in the database to detect a wrong key at start. */
export function keyFingerprint(key: Buffer = encryptionKey()): string {
  return createHash('sha256').update('switchyard-key-check').update(key).digest('hex').slice(0, 16);
}

export function encryptSecret(plaintext: string, key: Buffer = encryptionKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return FORMAT + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

export function decryptSecret(stored: string, key: Buffer = encryptionKey()): string {
  if (!stored.startsWith(FORMAT)) throw new EncryptionKeyError('Stored secret has an unknown format.');
  const raw = Buffer.from(stored.slice(FORMAT.length), 'base64url');
  const iv = raw.subarray(0, 12);
  const tag = raw.subarray(raw.length - 16);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    throw new EncryptionKeyError('Cannot decrypt a stored secret: SWITCHYARD_ENCRYPTION_KEY is not the key it was written with.');
  }
}
