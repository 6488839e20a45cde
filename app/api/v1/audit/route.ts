// GET /api/v1/audit?action=&targetId=&limit=&cursor=: who did what, when and why.
import { json, readQuery, route } from '@/lib/api/handler';
import { AuditQuerySchema, listAudit } from '@/lib/audit/queries';
import { pool } from '@/lib/db/pool';

export const GET = route('viewer', async ({ request }) => json(await listAudit(pool(), readQuery(request, AuditQuerySchema))));
