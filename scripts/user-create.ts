// npm run user:create -- --email EMAIL --role viewer|operator|admin
// Creates a console user in DATABASE_URL, for example the first admin. The password comes from
// SWITCHYARD_USER_PASSWORD or, when that is unset or empty, from standard input (first line).
import { parseArgs } from 'node:util';

import { applyMigrations, migrationsDir } from '../lib/db/migrate';
import { pool } from '../lib/db/pool';
import { CreateUserSchema } from '../lib/users/schema';
import { createUser } from '../lib/users/service';
import { connectScriptClient, runScript } from './db-client';

const USAGE = 'usage: npm run user:create -- --email EMAIL --role viewer|operator|admin (password in SWITCHYARD_USER_PASSWORD or on stdin)';

async function readPasswordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password (at least 12 characters), then Enter: ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (Buffer.concat(chunks).includes(0x0a)) break;
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

runScript(async () => {
  const { values } = parseArgs({ options: { email: { type: 'string' }, role: { type: 'string' } }, strict: true });
  if (!values.email || !values.role) throw new Error(USAGE);
  const password = process.env.SWITCHYARD_USER_PASSWORD || (await readPasswordFromStdin());
  const parsed = CreateUserSchema.safeParse({ email: values.email, role: values.role, password });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${issue.path.join('.')}: ${issue.message}\n${USAGE}`);
  }

  const { client, close } = await connectScriptClient();
  try {
    // The users table may not exist yet when this runs before the first start.
    await applyMigrations(client, migrationsDir());
  } finally {
    await close();
  }
  try {
    const user = await createUser(parsed.data, 'cli:user-create');
    process.stdout.write(`${JSON.stringify(user)}\n`);
  } finally {
    await pool().end();
  }
});
