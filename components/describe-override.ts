// The preview sentence of the override dialog: what happens to traffic and to the waiting
// deliveries once the chosen override applies.

import type { BreakerState, EndpointDetail, OverrideAction } from '@/lib/client/queries';

import { formatDuration, formatLocalTime, plural } from './format';

/** State that each override action sets; release hands the breaker back to automatic control. */
export const ACTION_TARGET: Record<Exclude<OverrideAction, 'release'>, BreakerState> = {
  force_open: 'forced_open',
  force_closed: 'forced_closed',
  disable: 'disabled',
  metrics_only: 'metrics_only',
};

export const OPERATOR_STATES: readonly BreakerState[] = ['forced_open', 'forced_closed', 'disabled', 'metrics_only'];

/** States in which the breaker sends nothing, so deliveries queue up. */
const HOLDING_STATES: readonly BreakerState[] = ['open', 'forced_open', 'disabled'];

function waitingClause(waiting: number): string {
  if (waiting === 0) return 'No deliveries are waiting';
  return `${plural(waiting, 'delivery', 'deliveries')} ${waiting === 1 ? 'is' : 'are'} waiting`;
}

function untilClause(expiresAt: string | undefined): string {
  return expiresAt ? `the override is released or expires at ${formatLocalTime(expiresAt)}` : 'the override is released';
}

/** Returns the sentence describing what the override does to traffic and to waiting deliveries. */
export function describeOverride(action: OverrideAction, endpoint: EndpointDetail, expiresAt?: string): string {
  const waiting = waitingClause(endpoint.waiting);
  const hasWaiting = endpoint.waiting > 0;
  const config = endpoint.breakerConfig;

  switch (action) {
    case 'force_open':
      return (
        `${waiting}${hasWaiting ? '; they will be sent only after' : '. New deliveries will wait until'} ${untilClause(expiresAt)}, ` +
        'spending no attempts meanwhile. No request goes to the endpoint until then.'
      );
    case 'disable':
      return (
        `${waiting}${hasWaiting ? '; they will be held, not lost, and sent only after' : '. New deliveries will be held until'} ` +
        `${untilClause(expiresAt)}. Nothing is sent to the endpoint meanwhile.`
      );
    case 'force_closed':
      return (
        `${waiting}${hasWaiting ? '; they will be sent now' : '. Deliveries will be sent'} at the endpoint's normal concurrency, ` +
        `whatever its error rate or latency. The breaker keeps its metrics but will not open until ${untilClause(expiresAt)}.`
      );
    case 'metrics_only':
      return (
        `${waiting}${hasWaiting ? '; they will be sent now' : '. Deliveries will be sent'} at the endpoint's normal concurrency. ` +
        `The breaker records when it would have opened but never holds traffic until ${untilClause(expiresAt)}.`
      );
    case 'release': {
      const automatic = 'The breaker returns to automatic control and opens again if a threshold is crossed.';
      if (!HOLDING_STATES.includes(endpoint.breaker.state)) return `${automatic} ${waiting}.`;
      const ramp =
        typeof config.rampUpMs === 'number'
          ? `, starting with ${plural(config.halfOpenMaxConcurrent, 'request')} at a time and growing to the normal ` +
            `concurrency over ${formatDuration(config.rampUpMs)}`
          : '';
      return hasWaiting ? `${automatic} ${waiting}; they will be sent once the breaker closes${ramp}.` : `${automatic} ${waiting}.`;
    }
  }
}
