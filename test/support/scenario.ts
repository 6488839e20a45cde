import { signGithub } from '../../lib/ingest/sign';
import type { AppInstance } from './app';

export type Gateway = {
  sourceId: string;
  sourceName: string;
  endpointId: string;
  signingSecret: string;
  /** Posts a GitHub-signed event; returns the ingest reply. */
  send: (body: string, options?: { deliveryId?: string; signature?: string }) => Promise<{ status: number; body: any }>;
};

const GITHUB_SECRET = 'integration-test-secret';

/** Creates a GitHub source, one endpoint at `url` with the given breaker and retry knobs, and a subscription. */
export async function setupGateway(
  app: AppInstance,
  options: { url: string; name?: string; breaker?: Record<string, unknown>; retry?: Record<string, unknown>; fallbackUrl?: string },
): Promise<Gateway> {
  const sourceName = `src-${Math.random().toString(36).slice(2, 8)}`;
  const source = await app.api('POST', '/api/v1/sources', { name: sourceName, scheme: 'github', secrets: [GITHUB_SECRET], rateLimit: { perSecond: 10_000, burst: 10_000 } });
  if (source.status !== 201) throw new Error(`source create failed: ${JSON.stringify(source.body)}`);
  const endpoint = await app.api('POST', '/api/v1/endpoints', {
    name: options.name ?? 'receiver',
    url: options.url,
    breaker: options.breaker,
    retry: options.retry,
    ...(options.fallbackUrl ? { fallbackUrl: options.fallbackUrl } : {}),
  });
  if (endpoint.status !== 201) throw new Error(`endpoint create failed: ${JSON.stringify(endpoint.body)}`);
  const subscription = await app.api('POST', '/api/v1/subscriptions', { sourceId: source.body.id, endpointId: endpoint.body.id });
  if (subscription.status !== 201) throw new Error(`subscription create failed: ${JSON.stringify(subscription.body)}`);

  let counter = 0;
  return {
    sourceId: source.body.id,
    sourceName,
    endpointId: endpoint.body.id,
    signingSecret: endpoint.body.signingSecret,
    send: async (body, sendOptions = {}) => {
      const response = await fetch(`${app.url}/api/v1/ingest/${sourceName}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-github-delivery': sendOptions.deliveryId ?? `gh-${Date.now()}-${++counter}-${Math.random()}`,
          'x-hub-signature-256': sendOptions.signature ?? signGithub(body, GITHUB_SECRET),
        },
        body,
      });
      return { status: response.status, body: await response.json() };
    },
  };
}

/** Polls `check` every 50 ms until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
