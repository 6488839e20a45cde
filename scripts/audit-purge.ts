// npm run audit:purge -- --before YYYY-MM-DD
// Deletes audit entries recorded before the date, which must be at least 365 days ago. Export
// them first with npm run audit:export; a purge cannot be undone.
import { parseArgs } from 'node:util';

import { purgeAuditEntries } from '../lib/audit/retention';
import { connectScriptClient, runScript } from './db-client';

runScript(async () => {
  const { values } = parseArgs({ options: { before: { type: 'string' } }, strict: true });
  const before = values.before ? new Date(values.before) : null;
  if (!before || Number.isNaN(before.getTime())) {
    throw new Error('usage: npm run audit:purge -- --before YYYY-MM-DD (a date at least 365 days ago)');
  }
  const { client, close } = await connectScriptClient();
  try {
    const result = await purgeAuditEntries(client, { before, actor: 'cli:audit-purge' });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await close();
  }
});
