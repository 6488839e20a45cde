// npm run audit:verify: recomputes the audit hash chain of DATABASE_URL and prints the result
// as JSON; exits 1 when an entry does not match, naming the first broken one.
import { verifyAuditChain } from '../lib/audit/verify';
import { connectScriptClient, runScript } from './db-client';

runScript(async () => {
  const { client, close } = await connectScriptClient();
  try {
    const result = await verifyAuditChain(client);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (!result.ok) process.exitCode = 1;
  } finally {
    await close();
  }
});
