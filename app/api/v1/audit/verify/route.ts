// GET /api/v1/audit/verify: recomputes the audit hash chain and names the first broken entry.
import { json, route } from '@/lib/api/handler';
import { verifyAuditChain } from '@/lib/audit/verify';
import { pool } from '@/lib/db/pool';

export const GET = route('viewer', async () => json(await verifyAuditChain(pool())));
