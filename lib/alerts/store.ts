// Alert rows: raise and resolve idempotently across instances, list, acknowledge.
import { appendAudit } from '../audit/append';
import type { Db } from '../db/tx';
import { withTransaction } from '../db/tx';
import { newId } from '../ids';
import type { AlertKind, OpenAlertRef, Raise } from './rules';

/** Runbook of each alert kind, as a path in the repository and a slug for /api/v1/runbooks. */
export const ALERT_RUNBOOKS: Record<AlertKind, { slug: string; path: string }> = {
  sustained_open: { slug: 'sustained-open', path: 'docs/runbooks/sustained-open.md' },
  budget_burn: { slug: 'sustained-open', path: 'docs/runbooks/sustained-open.md#error-budget-burn' },
};

export type AlertView = {
  id: string;
  endpointId: string;
  endpointName: string | null;
  kind: AlertKind;
  tier: string;
  status: 'open' | 'resolved';
  startedAt: string;
  resolvedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  details: Record<string, unknown>;
  runbook: string;
  runbookSlug: string;
};

type AlertRow = {
  id: string;
  endpoint_id: string;
  endpoint_name: string | null;
  kind: AlertKind;
  tier: string;
  started_at: Date;
  resolved_at: Date | null;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  details: Record<string, unknown>;
};

const SELECT = `
  SELECT a.id, a.endpoint_id, e.name AS endpoint_name, a.kind, a.tier, a.started_at, a.resolved_at,
         a.acknowledged_at, a.acknowledged_by, a.details
    FROM alerts a LEFT JOIN endpoints e ON e.id = a.endpoint_id`;

export function toView(row: AlertRow): AlertView {
  const runbook = ALERT_RUNBOOKS[row.kind] ?? ALERT_RUNBOOKS.sustained_open;
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    endpointName: row.endpoint_name,
    kind: row.kind,
    tier: row.tier,
    status: row.resolved_at === null ? 'open' : 'resolved',
    startedAt: row.started_at.toISOString(),
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    acknowledgedAt: row.acknowledged_at?.toISOString() ?? null,
    acknowledgedBy: row.acknowledged_by,
    details: row.details,
    runbook: runbook.path,
    runbookSlug: runbook.slug,
  };
}

export async function openAlertRefs(db: Db): Promise<OpenAlertRef[]> {
  const result = await db.query<{ id: string; endpoint_id: string; kind: AlertKind; details: Record<string, unknown> }>(
    'SELECT id, endpoint_id, kind, details FROM alerts WHERE resolved_at IS NULL',
  );
  return result.rows.map((row) => ({ id: row.id, endpointId: row.endpoint_id, kind: row.kind, details: row.details }));
}

export type AlertEvent = 'alert.raised' | 'alert.resolved';

/**
 * Stores the webhook notification of an alert event in the caller's transaction. Its id is the
 * webhook-id sent to the receiver, stable per alert and event, so a repeat adds nothing.
 */
async function storeNotification(db: Db, event: AlertEvent, alert: AlertView): Promise<void> {
  const payload = { type: event, timestamp: new Date().toISOString(), data: alert };
  await db.query(
    `INSERT INTO alert_notifications (id, alert_id, event, body) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
    [`${alert.id}.${event === 'alert.raised' ? 'raised' : 'resolved'}`, alert.id, event, Buffer.from(JSON.stringify(payload))],
  );
}

/**
 * Inserts the alert unless the endpoint already has an unresolved one of this kind, and
 * audits it in the same transaction. Every instance may try at once; the unique partial index
 * lets exactly one insert win, and only that caller gets the alert back. With `notify`, the
 * webhook notification is stored in that transaction too.
 */
export async function raiseAlert(raise: Raise, now: number, notify = false): Promise<AlertView | null> {
  return withTransaction(async (db) => {
    const inserted = await db.query<{ id: string }>(
      `INSERT INTO alerts (id, endpoint_id, kind, tier, started_at, details, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (endpoint_id, kind) WHERE resolved_at IS NULL DO NOTHING
       RETURNING id`,
      [newId('alert', now), raise.endpointId, raise.kind, raise.tier, new Date(raise.startedAt), JSON.stringify(raise.details), new Date(now)],
    );
    if (!inserted.rows[0]) return null;
    const view = await alertById(db, inserted.rows[0].id);
    await appendAudit(db, {
      actor: 'system',
      action: 'alert.raise',
      targetId: raise.endpointId,
      reason: raise.kind,
      after: { alertId: view!.id, kind: raise.kind, tier: raise.tier, startedAt: view!.startedAt, details: raise.details },
    });
    if (notify) await storeNotification(db, 'alert.raised', view!);
    return view;
  });
}

/**
 * Marks the alert resolved if it is still open, merging `details` into its stored details.
 * With `notify`, its webhook notification is stored in the same transaction. Returns the
 * alert only to the one caller whose update changed it.
 */
export async function resolveAlert(id: string, details: Record<string, unknown>, now: number, notify = false): Promise<AlertView | null> {
  return withTransaction(async (db) => {
    const updated = await db.query<{ id: string }>(
      `UPDATE alerts SET resolved_at = $2, details = details || $3::jsonb
        WHERE id = $1 AND resolved_at IS NULL RETURNING id`,
      [id, new Date(now), JSON.stringify(details)],
    );
    if (!updated.rows[0]) return null;
    const view = (await alertById(db, id))!;
    await appendAudit(db, {
      actor: 'system',
      action: 'alert.resolve',
      targetId: view.endpointId,
      reason: view.kind,
      before: { alertId: id, status: 'open' },
      after: { alertId: id, status: 'resolved', resolvedAt: view.resolvedAt, details },
    });
    if (notify) await storeNotification(db, 'alert.resolved', view);
    return view;
  });
}

export async function alertById(db: Db, id: string): Promise<AlertView | null> {
  const result = await db.query<AlertRow>(`${SELECT} WHERE a.id = $1`, [id]);
  return result.rows[0] ? toView(result.rows[0]) : null;
}

export type AlertFilter = { status: 'open' | 'resolved' | 'all'; endpointId?: string; limit: number; cursor?: string };

/** Alerts newest first; `cursor` is the id of the last alert of the previous page. */
export async function listAlerts(db: Db, filter: AlertFilter): Promise<{ data: AlertView[]; nextCursor: string | null }> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter.status === 'open') conditions.push('a.resolved_at IS NULL');
  if (filter.status === 'resolved') conditions.push('a.resolved_at IS NOT NULL');
  if (filter.endpointId) {
    params.push(filter.endpointId);
    conditions.push(`a.endpoint_id = $${params.length}`);
  }
  if (filter.cursor) {
    params.push(filter.cursor);
    conditions.push(`a.id < $${params.length}`);
  }
  params.push(filter.limit + 1);
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  const result = await db.query<AlertRow>(`${SELECT}${where} ORDER BY a.id DESC LIMIT $${params.length}`, params);
  const page = result.rows.slice(0, filter.limit);
  return { data: page.map(toView), nextCursor: result.rows.length > filter.limit ? page[page.length - 1].id : null };
}

/**
 * Records who acknowledged the alert, once: a second acknowledgement keeps the first one's
 * name and time. Returns null when there is no such alert.
 */
export async function acknowledgeAlert(id: string, actor: string, note: string | null, now: number): Promise<AlertView | null> {
  return withTransaction(async (db) => {
    const updated = await db.query<{ endpoint_id: string }>(
      `UPDATE alerts SET acknowledged_at = $2, acknowledged_by = $3
        WHERE id = $1 AND acknowledged_at IS NULL RETURNING endpoint_id`,
      [id, new Date(now), actor],
    );
    const view = await alertById(db, id);
    if (view && updated.rows[0]) {
      await appendAudit(db, {
        actor,
        action: 'alert.acknowledge',
        targetId: view.endpointId,
        reason: note,
        after: { alertId: id, acknowledgedAt: view.acknowledgedAt },
      });
    }
    return view;
  });
}
