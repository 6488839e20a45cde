const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export class PlaintextDatabaseError extends Error {
  constructor(host: string) {
    super(
      `DATABASE_URL points at ${host} without TLS. Add sslmode=require (or verify-full) to the URL, ` +
        'or set SWITCHYARD_ALLOW_PLAINTEXT_DB=1 to accept an unencrypted connection.',
    );
    this.name = 'PlaintextDatabaseError';
  }
}

/**
 * Rejects a plaintext connection to a host outside loopback. A Unix socket (host given as a
 * path) never leaves the machine, so it counts as loopback.
 */
export function assertDatabaseTransport(url: string, allowPlaintext: boolean): void {
  const parsed = new URL(url);
  const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
  if (LOOPBACK_HOSTS.has(host) || host.startsWith('/') || host.startsWith('127.')) return;
  const sslmode = parsed.searchParams.get('sslmode');
  const encrypted = sslmode === 'require' || sslmode === 'verify-ca' || sslmode === 'verify-full';
  if (!encrypted && !allowPlaintext) throw new PlaintextDatabaseError(host);
}
