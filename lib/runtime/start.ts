import pg from 'pg';

import { startAlerting } from '../alerts/start';
import { adminToken } from '../auth/admin-token';
import { config } from '../config/env';
import { observabilityConfig } from '../config/observability';
import { decryptSecret, encryptionKey } from '../crypto/secrets';
import { applyMigrations, migrationsDir } from '../db/migrate';
import { clientConfig, isEmbedded, pool } from '../db/pool';
import { advanceReplays } from '../delivery/replay';
import { Dispatcher } from '../delivery/dispatcher';
import { createSender } from '../delivery/sender';
import { listen } from '../registry/notify';
import { BreakerRegistry } from '../registry/registry';
import { errorFields, logger } from '../telemetry/logger';
import { startMetrics, stopMetrics } from '../telemetry/metrics';
import { appClock } from './clock';

type Runtime = { registry: BreakerRegistry | null; dispatcher: Dispatcher | null; stopListening: () => Promise<void> };
type Holder = { __switchyardRuntime?: Promise<Runtime> };

/** Fails start-up when the encryption key cannot read the secrets already stored. */
async function checkEncryptionKey(): Promise<void> {
  encryptionKey();
  const sample = await pool().query<{ secret: string }>(
    `SELECT signing_secret AS secret FROM endpoints UNION ALL SELECT secrets FROM sources LIMIT 1`,
  );
  if (sample.rows[0]) decryptSecret(sample.rows[0].secret);
}

async function migrate(): Promise<void> {
  const client = await pool().connect();
  try {
    const result = await applyMigrations(client, migrationsDir());
    if (result.applied.length > 0) logger().info({ applied: result.applied }, 'migrations applied');
  } finally {
    client.release();
  }
}

function announceAdminToken(): void {
  const token = adminToken();
  if (!token.created) return;
  const cfg = config();
  const base = `http://${cfg.hostname === '0.0.0.0' ? '127.0.0.1' : cfg.hostname}:${cfg.port}`;
  // Printed once, on the start that generated the token; it is also in the data folder.
  process.stdout.write(
    `\nSwitchyard admin token created in ${cfg.dataDir}/admin.token\nSign in to the console: ${base}/login?token=${encodeURIComponent(token.value)}\n\n`,
  );
}

async function boot(): Promise<Runtime> {
  const cfg = config();
  observabilityConfig();
  await migrate();
  await checkEncryptionKey();
  announceAdminToken();
  await startMetrics().catch((error) => logger().warn(errorFields(error), 'metrics could not read the endpoint count; counters keep the endpoint label'));

  if (!cfg.dispatcherEnabled) {
    logger().info('dispatcher disabled by SWITCHYARD_DISPATCHER=off; serving the API and console only');
    return { registry: null, dispatcher: null, stopListening: async () => {} };
  }

  const stopListening = await listen(
    async () => {
      const client = new pg.Client(clientConfig(cfg.databaseUrl!));
      await client.connect();
      return client;
    },
    (error) => logger().warn(errorFields(error), 'notification connection lost; reconnecting'),
  );
  const registry = new BreakerRegistry({ instanceId: cfg.instanceId, clock: appClock(), db: pool });
  await registry.start();
  const dispatcher = new Dispatcher({
    instanceId: cfg.instanceId,
    registry,
    sender: createSender({ allowPrivateTargets: cfg.allowPrivateTargets }),
    db: pool,
    clock: appClock(),
    pollMs: cfg.pollMs,
    onCycle: advanceReplays,
  });
  dispatcher.start();
  const alerting = startAlerting();

  const shutdown = (signal: string): void => {
    logger().info({ signal }, 'stopping: finishing deliveries in flight');
    void dispatcher
      .stop()
      .then(() => registry.stop())
      .then(() => stopListening())
      .then(() => alerting.stop())
      .then(() => stopMetrics())
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  logger().info({ embedded: isEmbedded() }, 'switchyard started');
  return { registry, dispatcher, stopListening };
}

/** Starts migrations, the registry and the dispatcher once per process. */
export function startRuntime(): Promise<Runtime> {
  const holder = globalThis as Holder;
  holder.__switchyardRuntime ??= boot().catch((error) => {
    logger().fatal(errorFields(error), 'start-up failed');
    process.stderr.write(`Switchyard could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
  return holder.__switchyardRuntime;
}
