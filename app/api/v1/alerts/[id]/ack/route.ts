// POST /api/v1/alerts/{id}/ack {"note"?}: an operator acknowledges an alert; audited once.
import { z } from 'zod';

import { AppError, fromZodError, notFound } from '@/lib/api/errors';
import { json, route } from '@/lib/api/handler';
import { acknowledgeAlert } from '@/lib/alerts/store';
import { appClock } from '@/lib/runtime/clock';

const BodySchema = z.object({ note: z.string().max(1000).optional() }).strict();

/** Parses the optional body: an empty POST acknowledges without a note. */
async function readNote(request: Request): Promise<string | null> {
  const text = await request.text();
  if (text.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError('invalid_json', 'The request body is not valid JSON.', { field: 'body' });
  }
  const parsed = BodySchema.safeParse(value);
  if (!parsed.success) throw fromZodError(parsed.error);
  return parsed.data.note ?? null;
}

export const POST = route<{ id: string }>('operator', async ({ request, params, principal }) => {
  const note = await readNote(request);
  const alert = await acknowledgeAlert(params.id, principal!.actor, note, appClock()());
  if (!alert) throw notFound('alert', params.id);
  return json(alert);
});
