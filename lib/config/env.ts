import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .optional()
  .transform((value) => value === '1' || value === 'true');

const EnvSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  SWITCHYARD_DATA_DIR: z.string().default('.switchyard'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOSTNAME: z.string().default('127.0.0.1'),
  SWITCHYARD_ADMIN_TOKEN: z.string().min(16).optional(),
  SWITCHYARD_ALLOW_PRIVATE_TARGETS: flag,
  SWITCHYARD_ALLOW_PLAINTEXT_DB: flag,
  SWITCHYARD_ENCRYPTION_KEY: z.string().optional(),
  SWITCHYARD_DISPATCHER: z.enum(['on', 'off']).default('on'),
  SWITCHYARD_INSTANCE_ID: z.string().min(1).optional(),
  // How often the dispatcher looks for due deliveries when no notification woke it, in ms.
  SWITCHYARD_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  SWITCHYARD_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type AppConfig = {
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  hostname: string;
  adminToken: string | undefined;
  allowPrivateTargets: boolean;
  allowPlaintextDb: boolean;
  encryptionKey: string | undefined;
  dispatcherEnabled: boolean;
  instanceId: string;
  pollMs: number;
  logLevel: z.infer<typeof EnvSchema>['SWITCHYARD_LOG_LEVEL'];
};

/** Parses the environment once; a bad value fails start-up with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment: ${issues.join('; ')}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.SWITCHYARD_DATA_DIR),
    port: e.PORT,
    // Containers export HOSTNAME as the machine's name: only an IP address or localhost counts.
    hostname: isIP(e.HOSTNAME) || e.HOSTNAME === 'localhost' ? e.HOSTNAME : '127.0.0.1',
    adminToken: e.SWITCHYARD_ADMIN_TOKEN,
    allowPrivateTargets: e.SWITCHYARD_ALLOW_PRIVATE_TARGETS,
    allowPlaintextDb: e.SWITCHYARD_ALLOW_PLAINTEXT_DB,
    encryptionKey: e.SWITCHYARD_ENCRYPTION_KEY,
    dispatcherEnabled: e.SWITCHYARD_DISPATCHER === 'on',
    instanceId: e.SWITCHYARD_INSTANCE_ID ?? `${os.hostname()}-${process.pid}`,
    pollMs: e.SWITCHYARD_POLL_MS,
    logLevel: e.SWITCHYARD_LOG_LEVEL,
  };
}

let cached: AppConfig | undefined;

export function config(): AppConfig {
  cached ??= loadConfig();
  return cached;
}
