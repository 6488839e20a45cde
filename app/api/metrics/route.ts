// GET /api/metrics: Prometheus text exposition of this instance's metrics (no auth). Counters
// and histograms cover this instance's work; gauges read shared state from Postgres.
import { errorResponse } from '@/lib/api/handler';
import { renderPrometheus } from '@/lib/telemetry/metrics';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  try {
    const body = await renderPrometheus();
    return new Response(body, {
      headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
