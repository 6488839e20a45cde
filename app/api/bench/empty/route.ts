// POST /api/bench/empty: reads the request body and returns 202 {}, so benchmarks can compare
// a real route with the framework's own cost. It returns 404 unless the server was started
// with SWITCHYARD_BENCH_ROUTES=1.
import { json } from '@/lib/api/handler';

export const dynamic = 'force-dynamic';

export async function POST(request: Request): Promise<Response> {
  if (process.env.SWITCHYARD_BENCH_ROUTES !== '1') {
    return json({ error: { code: 'not_found', message: 'Benchmark routes are disabled. Start the server with SWITCHYARD_BENCH_ROUTES=1 to enable them.' } }, 404);
  }
  // Read the body as the ingest route does, so the comparison covers receiving the request.
  await request.arrayBuffer();
  return json({}, 202);
}
