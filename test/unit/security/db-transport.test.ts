import { describe, expect, it } from 'vitest';

import { PlaintextDatabaseError, assertDatabaseTransport } from '../../../lib/db/tls';

describe('assertDatabaseTransport', () => {
  it('rejects plaintext to a host outside loopback', () => {
    for (const url of [
      'postgresql://app@db.example.com:5432/switchyard',
      'postgresql://app@10.0.0.5/switchyard?sslmode=disable',
      'postgresql://app@db.example.com/switchyard?sslmode=prefer',
      'postgresql://app@[2001:db8::1]/switchyard',
    ]) {
      expect(() => assertDatabaseTransport(url, false), url).toThrow(PlaintextDatabaseError);
    }
  });

  it('names the fix in the error', () => {
    expect(() => assertDatabaseTransport('postgresql://app@db.example.com/s', false)).toThrow(/sslmode=require.*SWITCHYARD_ALLOW_PLAINTEXT_DB=1/s);
  });

  it('accepts plaintext with the explicit allow flag', () => {
    expect(() => assertDatabaseTransport('postgresql://app@db.example.com/switchyard', true)).not.toThrow();
  });

  it('accepts TLS modes to any host', () => {
    for (const mode of ['require', 'verify-ca', 'verify-full']) {
      expect(() => assertDatabaseTransport(`postgresql://app@db.example.com/s?sslmode=${mode}`, false), mode).not.toThrow();
    }
  });

  it('accepts plaintext on loopback and Unix sockets', () => {
    for (const url of [
      'postgresql://postgres@127.0.0.1:5432/postgres',
      'postgresql://postgres@127.8.9.10/postgres',
      'postgresql://postgres@localhost/postgres',
      'postgresql://postgres@[::1]/postgres',
      'postgresql:///postgres?host=/var/run/postgresql',
    ]) {
      expect(() => assertDatabaseTransport(url, false), url).not.toThrow();
    }
  });
});
