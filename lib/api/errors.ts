import { ZodError } from 'zod';

export const ERROR_STATUS = {
  invalid_request: 400,
  invalid_json: 400,
  signature_missing: 401,
  signature_invalid: 401,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  database_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The one error type route handlers throw; `toErrorResponse` turns it into the JSON body. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: { field?: string; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.field = options.field;
    this.headers = options.headers ?? {};
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function notFound(kind: string, id: string): AppError {
  return new AppError('not_found', `No ${kind} with id ${id}.`, { field: 'id' });
}

/** Turns the first zod issue into an AppError naming the field and what is expected. */
export function fromZodError(error: ZodError, prefix?: string): AppError {
  const issue = error.issues[0];
  const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  let message = issue.message;
  // zod's wording for a missing value or a non-number query parameter, made plain.
  const expected = /expected (\w+), received undefined/.exec(message);
  if (expected) message = `is required (a ${expected[1]})`;
  else if (/expected number, received NaN/.test(message)) message = 'must be a number';
  return new AppError('invalid_request', field ? `${field}: ${message}` : message, {
    field: field || undefined,
  });
}

function isDatabaseDown(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  const message = error instanceof Error ? error.message : '';
  return (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === '57P01' ||
    code === '57P03' ||
    /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/i.test(message)
  );
}

export function coerceAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) return fromZodError(error);
  if (isDatabaseDown(error)) {
    return new AppError('database_unavailable', 'The database is unreachable; retry shortly.', {
      headers: { 'Retry-After': '5' },
    });
  }
  return new AppError('internal', 'Internal error; the server log has the details.');
}

export function errorBody(error: AppError): { error: { code: string; message: string; field?: string } } {
  return { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } };
}
