'use client';

import { useMemo } from 'react';

import { formatCount } from './format';

/** Pretty-prints JSON, or returns null when the text is not JSON. */
function prettyJson(text: string): string | null {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return null;
  }
}

function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

type Props = { deliveryId: string; payload: string; payloadBase64: string };

/** Request body of a delivery: JSON pretty-printed, other text as is, raw bytes downloadable. */
export function PayloadView({ deliveryId, payload, payloadBase64 }: Props) {
  const pretty = useMemo(() => prettyJson(payload), [payload]);
  const byteLength = useMemo(() => Math.floor((payloadBase64.length * 3) / 4) - (payloadBase64.match(/=+$/)?.[0].length ?? 0), [payloadBase64]);

  const download = () => {
    const blob = new Blob([base64ToBytes(payloadBase64)], { type: 'application/octet-stream' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `${deliveryId}.body`;
    link.click();
    // Revoked a little later, because some browsers start the download after click() returns.
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  };

  return (
    <div className="payload" data-testid="payload">
      <div className="payload-toolbar">
        <span className="small muted">
          {pretty !== null ? 'JSON, pretty-printed' : 'Text as received (not JSON)'} · {formatCount(byteLength)} bytes
        </span>
        <button type="button" className="button" onClick={download}>
          Download raw bytes
        </button>
      </div>
      <pre className="payload-body" tabIndex={0} aria-label="Payload">
        {pretty ?? payload}
      </pre>
    </div>
  );
}
