import pino from 'pino';

import { config } from '../config/env';

type LoggerHolder = { __switchyardLogger?: pino.Logger };

/**
 * The process-wide JSON logger. Secrets, signatures and payload bodies are never passed to
 * it; the redact list is a second line of defence for header objects.
 */
export function logger(): pino.Logger {
  const holder = globalThis as LoggerHolder;
  holder.__switchyardLogger ??= pino({
    level: config().logLevel,
    base: { instance: config().instanceId },
    redact: {
      paths: ['*.authorization', '*.cookie', '*["webhook-signature"]', '*["x-hub-signature-256"]', '*["stripe-signature"]', '*.secret', '*.secrets'],
      censor: '[redacted]',
    },
  });
  return holder.__switchyardLogger;
}

export function errorFields(error: unknown): { err: { message: string; code?: string; name?: string } } {
  if (error instanceof Error) {
    return { err: { message: error.message, name: error.name, code: (error as { code?: string }).code } };
  }
  return { err: { message: String(error) } };
}
