export type LoadResult = { requests: number; ok: number; failed: number; seconds: number; perSecond: number };

/**
 * Runs `send` from `concurrency` loops at once until `maxRequests` have been started or
 * `maxMs` has passed, whichever comes first. `send` resolves true for an expected reply, and
 * a thrown error counts as a failure. The rate counts every finished request.
 */
export async function runLoad(options: {
  concurrency: number;
  maxRequests: number;
  maxMs: number;
  send: () => Promise<boolean>;
}): Promise<LoadResult> {
  let started = 0;
  let ok = 0;
  let failed = 0;
  const begin = performance.now();
  const deadline = begin + options.maxMs;

  const loop = async (): Promise<void> => {
    while (started < options.maxRequests && performance.now() < deadline) {
      started++;
      try {
        if (await options.send()) ok++;
        else failed++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));

  const seconds = (performance.now() - begin) / 1000;
  return { requests: ok + failed, ok, failed, seconds: round(seconds, 3), perSecond: Math.round((ok + failed) / seconds) };
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Adds up the results of several runs of the same load, so phases can be interleaved. */
export function combine(results: LoadResult[]): LoadResult {
  const requests = results.reduce((sum, r) => sum + r.requests, 0);
  const seconds = results.reduce((sum, r) => sum + r.seconds, 0);
  return {
    requests,
    ok: results.reduce((sum, r) => sum + r.ok, 0),
    failed: results.reduce((sum, r) => sum + r.failed, 0),
    seconds: round(seconds, 3),
    perSecond: Math.round(requests / seconds),
  };
}
