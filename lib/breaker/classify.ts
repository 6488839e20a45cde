import type { CallResult } from './types';

export const MIN_PAUSE_MS = 1000;
export const MAX_PAUSE_MS = 10 * 60 * 1000;
/** Pause after a 429 that has no usable Retry-After header. */
export const DEFAULT_THROTTLE_PAUSE_MS = 60 * 1000;

export type DeliveryOutcome = 'delivered' | 'retry' | 'throttled' | 'gone' | 'dead';

export type ResponseInput = {
  /** HTTP status of the response, absent when the request failed without one. */
  status?: number;
  /** Set when no response arrived: the request timed out or the connection failed. */
  error?: 'timeout' | 'network';
  /** Raw Retry-After header value, if the response had one. */
  retryAfter?: string | null;
};

export type Classification = {
  /** Outcome as the breaker counts it for the endpoint's health. */
  breaker: CallResult;
  /** Next step for the delivery. */
  delivery: DeliveryOutcome;
  /** Throttled only: how long every instance pauses the endpoint, in ms. */
  pauseMs?: number;
  /** Short description for logs and the console, such as "HTTP 503". */
  label: string;
};

/** Limits a throttle pause to 1 s .. 10 min. NaN becomes the minimum. */
export function clampPause(ms: number): number {
  if (Number.isNaN(ms)) return MIN_PAUSE_MS;
  return Math.min(MAX_PAUSE_MS, Math.max(MIN_PAUSE_MS, ms));
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

// The three HTTP-date forms of RFC 9110, section 5.6.7. Day names are checked for form only.
const IMF_FIXDATE = new RegExp(`^(?:mon|tue|wed|thu|fri|sat|sun), (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`, 'i');
const RFC850_DATE = new RegExp(
  `^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday), (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`,
  'i',
);
const ASCTIME_DATE = new RegExp(`^(?:mon|tue|wed|thu|fri|sat|sun) ${MONTH} ( \\d|\\d{2}) ${TIME} (\\d{4})$`, 'i');

/** Converts date fields to ms since the epoch, or null when they name no real time. */
function utcTime(year: number, month: string, day: number, hour: number, minute: number, second: number) {
  const monthIndex = MONTHS.indexOf(month.toLowerCase());
  if (hour > 23 || minute > 59 || second > 60 || day < 1) return null;

  // Date.UTC rolls 31 Feb over into March, so a day of the month that changed is invalid.
  // A leap second (60) is checked as 59 and added afterwards.
  const time = Date.UTC(year, monthIndex, day, hour, minute, Math.min(second, 59));
  if (new Date(time).getUTCDate() !== day) return null;
  return second === 60 ? time + 1000 : time;
}

/** Parses an HTTP-date in any of its three forms to ms since the epoch, or null. */
function parseHttpDate(value: string, now: number): number | null {
  let match = IMF_FIXDATE.exec(value);
  if (match) {
    const [, day, month, year, hour, minute, second] = match;
    return utcTime(Number(year), month, Number(day), Number(hour), Number(minute), Number(second));
  }

  match = RFC850_DATE.exec(value);
  if (match) {
    const [, day, month, shortYear, hour, minute, second] = match;
    // RFC 9110: a two-digit year more than 50 years ahead means the most recent past year
    // with those digits.
    const currentYear = new Date(now).getUTCFullYear();
    let year = Math.floor(currentYear / 100) * 100 + Number(shortYear);
    if (year > currentYear + 50) year -= 100;
    return utcTime(year, month, Number(day), Number(hour), Number(minute), Number(second));
  }

  match = ASCTIME_DATE.exec(value);
  if (match) {
    const [, month, day, hour, minute, second, year] = match;
    return utcTime(Number(year), month, Number(day.trim()), Number(hour), Number(minute), Number(second));
  }
  return null;
}

/**
 * Parses a Retry-After header value into a delay in ms from `now` (wall-clock ms, needed for
 * the HTTP-date form). Accepts delta-seconds ("120") and HTTP-dates, and a date in the past
 * gives 0. Returns null for a missing, empty or malformed value, such as "1.5", "-5" or "soon".
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value === null || value === undefined) return null;

  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, Number.MAX_SAFE_INTEGER);

  const time = parseHttpDate(trimmed, now);
  if (time === null) return null;
  return Math.max(0, time - now);
}

/**
 * Classifies the outcome of one delivery attempt for the breaker and for the delivery.
 *
 * | outcome                          | breaker   | delivery  |
 * |----------------------------------|-----------|-----------|
 * | 2xx                              | success   | delivered |
 * | timeout, network error, 5xx, 408 | failure   | retry     |
 * | 429, or 503 with Retry-After     | throttled | throttled |
 * | 410                              | ignored   | gone      |
 * | other 3xx and 4xx                | success   | dead      |
 *
 * A throttled outcome carries `pauseMs`: the Retry-After delay clamped to 1 s .. 10 min, or
 * 60 s for a 429 without a valid Retry-After. A 503 whose Retry-After is missing or malformed
 * is a failure. A status outside 200..599 counts as a failure, because the receiver broke
 * the protocol. `now` is wall-clock ms, used only for a Retry-After HTTP-date.
 */
export function classifyResponse(input: ResponseInput, now: number): Classification {
  if (input.error === 'timeout') return { breaker: 'failure', delivery: 'retry', label: 'timeout' };
  if (input.error === 'network') return { breaker: 'failure', delivery: 'retry', label: 'network error' };

  const status = input.status;
  if (status === undefined) {
    throw new TypeError('classifyResponse: the input needs a status or an error; got neither');
  }
  const label = `HTTP ${status}`;

  if (status >= 200 && status <= 299) return { breaker: 'success', delivery: 'delivered', label };

  if (status === 429 || status === 503) {
    const retryAfterMs = parseRetryAfter(input.retryAfter, now);
    if (retryAfterMs !== null) {
      return { breaker: 'throttled', delivery: 'throttled', pauseMs: clampPause(retryAfterMs), label };
    }
    if (status === 429) {
      return { breaker: 'throttled', delivery: 'throttled', pauseMs: DEFAULT_THROTTLE_PAUSE_MS, label };
    }
    return { breaker: 'failure', delivery: 'retry', label };
  }

  if (status === 408 || (status >= 500 && status <= 599)) return { breaker: 'failure', delivery: 'retry', label };
  if (status === 410) return { breaker: 'ignored', delivery: 'gone', label };
  if (status >= 300 && status <= 499) return { breaker: 'success', delivery: 'dead', label };

  return { breaker: 'failure', delivery: 'retry', label: `unexpected HTTP status ${status}` };
}
