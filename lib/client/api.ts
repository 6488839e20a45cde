// Browser-side fetch wrapper for the console. Every request goes to the same origin with the
// session cookie, and every failure becomes an ApiError, so components handle one error type.

/** Error body that the API returns with every 4xx and 5xx status. */
type ErrorBody = { error?: { code?: unknown; message?: unknown; field?: unknown } };

/**
 * Failed API request. `status` is the HTTP status, or 0 when no response arrived.
 * `code` and `field` come from the JSON error body when the server sent one.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;

  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

declare module '@tanstack/react-query' {
  interface Register {
    defaultError: ApiError;
  }
}

export type QueryParams = Record<string, string | number | null | undefined>;

/** Appends the non-empty params to `path` as a query string. */
export function withQuery(path: string, params: QueryParams): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

async function readErrorBody(response: Response): Promise<ApiError> {
  let body: ErrorBody | undefined;
  try {
    body = (await response.json()) as ErrorBody;
  } catch {
    body = undefined;
  }

  const details = body?.error;
  const code = typeof details?.code === 'string' ? details.code : `http_${response.status}`;
  const message =
    typeof details?.message === 'string' && details.message
      ? details.message
      : `Request failed with HTTP ${response.status} ${response.statusText}`.trim();
  const field = typeof details?.field === 'string' ? details.field : undefined;
  return new ApiError(response.status, code, message, field);
}

/**
 * Sends a request to the console's own API and returns the parsed JSON body.
 * Throws ApiError for a network failure, a non-2xx status or a body that is not JSON.
 */
export async function apiFetch<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, headers, ...rest } = init;
  const requestHeaders = new Headers(headers);
  requestHeaders.set('Accept', 'application/json');
  if (json !== undefined) requestHeaders.set('Content-Type', 'application/json');

  let response: Response;
  try {
    response = await fetch(path, {
      ...rest,
      headers: requestHeaders,
      body: json !== undefined ? JSON.stringify(json) : rest.body,
      credentials: 'include',
      cache: 'no-store',
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ApiError(0, 'network_error', `The server could not be reached (${reason}). Check that Switchyard is running.`);
  }

  if (!response.ok) throw await readErrorBody(response);
  if (response.status === 204) return undefined as T;

  try {
    return (await response.json()) as T;
  } catch {
    throw new ApiError(response.status, 'invalid_response', `The server sent a response to ${path} that is not JSON.`);
  }
}

export function apiGet<T>(path: string, params: QueryParams = {}, signal?: AbortSignal): Promise<T> {
  return apiFetch<T>(withQuery(path, params), { method: 'GET', signal });
}

export function apiPost<T>(path: string, body?: unknown): Promise<T> {
  return apiFetch<T>(path, { method: 'POST', json: body ?? {} });
}
