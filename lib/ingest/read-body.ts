import { AppError } from '../api/errors';

/**
 * Reads the raw request body, stopping as soon as it passes `maxBytes`: a declared length over
 * the limit is rejected before reading anything, and a body that streams past it is cut off.
 */
export async function readBodyWithLimit(request: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = (): AppError =>
    new AppError('payload_too_large', `The body is larger than this source's limit of ${maxBytes} bytes.`, { field: 'body' });
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge();
  if (!request.body) return new Uint8Array();

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
