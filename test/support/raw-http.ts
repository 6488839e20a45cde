import net from 'node:net';

export type RawResponse = { status: number; head: string; body: string };

function parseResponse(raw: Buffer): RawResponse | null {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const head = raw.subarray(0, end).toString('latin1');
  const rest = raw.subarray(end + 4);
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1]);
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) {
    if (rest.length < Number(length[1])) return null;
    return { status, head, body: rest.subarray(0, Number(length[1])).toString('utf8') };
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    if (!rest.includes('0\r\n\r\n')) return null;
    let body = '';
    let offset = 0;
    for (;;) {
      const lineEnd = rest.indexOf('\r\n', offset);
      const size = parseInt(rest.subarray(offset, lineEnd).toString('latin1'), 16);
      if (!size) break;
      body += rest.subarray(lineEnd + 2, lineEnd + 2 + size).toString('utf8');
      offset = lineEnd + 2 + size + 2;
    }
    return { status, head, body };
  }
  return null;
}

/**
 * Sends bytes exactly as given to 127.0.0.1:`port` and returns the first complete HTTP
 * response. The socket is not ended after the last write, so a test can show that the server
 * responded before the request body was complete. Rejects when no response arrives in time.
 */
export function rawRequest(port: number, parts: Array<string | Buffer>, timeoutMs = 10_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (error: Error | null, response?: RawResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(response!);
    };
    const timer = setTimeout(() => finish(new Error(`no complete response within ${timeoutMs} ms; received: ${received.toString('latin1').slice(0, 300)}`)), timeoutMs);
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      const response = parseResponse(received);
      if (response) finish(null, response);
    });
    // A server that closes the connection after its response delimits the body by the close.
    const finishOnClose = (error: Error | null): void => {
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) {
        finish(error ?? new Error(`connection closed before a response; received: ${received.toString('latin1').slice(0, 300)}`));
        return;
      }
      const head = received.subarray(0, end).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1]);
      finish(null, { status, head, body: received.subarray(end + 4).toString('utf8') });
    };
    socket.on('close', () => finishOnClose(null));
    socket.on('error', (error) => finishOnClose(error));
    socket.on('connect', () => {
      for (const part of parts) socket.write(part);
    });
  });
}
