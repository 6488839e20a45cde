// GET /api/health: liveness plus a database round trip; 503 while the database is unreachable.
import { json } from '@/lib/api/handler';
import { pool } from '@/lib/db/pool';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  try {
    await pool().query('SELECT 1');
    return json({ status: 'ok', database: 'ok' });
  } catch {
    return json({ status: 'degraded', database: 'unreachable' }, 503);
  }
}
