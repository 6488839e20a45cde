// Turns a stored transition and its window figures into the sentence an operator reads:
// "Opened 4 minutes ago: 62 % of 40 calls failed in the last 60 s, threshold 50 %".

import type { BreakerState, TransitionRecord, TransitionWindow } from '@/lib/client/queries';

import { formatMs, formatPercent, formatPercentile, formatRelative, plural, stateLabel } from './format';

const ENTERED: Record<BreakerState, string> = {
  closed: 'Closed',
  open: 'Opened',
  half_open: 'Moved to half-open',
  forced_open: 'Forced open',
  forced_closed: 'Forced closed',
  disabled: 'Disabled',
  metrics_only: 'Set to metrics only',
};

function failureRateClause(window: TransitionWindow): string {
  const rate = window.errorRate ?? (window.calls > 0 ? window.failures / window.calls : null);
  return (
    `${formatPercent(rate)} of ${plural(window.calls, 'call')} failed in the last ${window.windowSeconds} s, ` +
    `threshold ${formatPercent(window.failureRateThreshold)}`
  );
}

function latencyClause(window: TransitionWindow): string {
  return (
    `${formatPercentile(window.percentile)} latency was ${formatMs(window.latencyPercentileMs)} over ` +
    `${plural(window.calls, 'call')} in the last ${window.windowSeconds} s, threshold ${formatMs(window.latencyThresholdMs)}`
  );
}

/**
 * Returns why the transition happened, without its time: "62 % of 40 calls failed in the last
 * 60 s, threshold 50 %". `successThreshold` names the probes needed to close, when known.
 */
export function describeTransitionCause(transition: TransitionRecord, successThreshold?: number): string {
  const { reasonCode: code, window, actor, note } = transition;
  const because = note ? `, reason “${note}”` : '';

  switch (code) {
    case 'failure_rate':
      return window ? failureRateClause(window) : 'the failure rate reached its threshold';
    case 'latency':
      return window ? latencyClause(window) : 'the latency percentile reached its threshold';
    case 'would_trip_failure_rate':
      return `would have opened: ${window ? failureRateClause(window) : 'the failure rate reached its threshold'}; traffic is still sent`;
    case 'would_trip_latency':
      return `would have opened: ${window ? latencyClause(window) : 'the latency percentile reached its threshold'}; traffic is still sent`;
    case 'reset_timeout':
      return 'the reset timeout passed, so probe requests started';
    case 'probe_failed':
      return 'a probe request failed';
    case 'probes_succeeded':
      return successThreshold
        ? `${plural(successThreshold, 'consecutive probe')} succeeded`
        : 'enough consecutive probes succeeded';
    case 'half_open_timeout':
      return 'half-open did not reach a decision within its time limit';
    case 'override_force_open':
    case 'override_force_closed':
    case 'override_disable':
    case 'override_metrics_only':
      return `operator override by ${actor}${because}`;
    case 'override_release':
      return `override released by ${actor}${because}, so the breaker is under automatic control again`;
    case 'override_expired':
      return 'the operator override expired';
    case 'endpoint_gone':
      return 'the endpoint answered 410 Gone, so the system disabled it';
    case 'created':
      return 'the endpoint was created';
    default:
      return code.replaceAll('_', ' ');
  }
}

/** Returns the one-sentence account of a transition, e.g. "Opened 4 minutes ago: …". */
export function describeTransition(transition: TransitionRecord, now: number, successThreshold?: number): string {
  const entered = ENTERED[transition.to] ?? `Moved to ${transition.to}`;
  const cause = describeTransitionCause(transition, successThreshold);
  const when = formatRelative(transition.at, now);
  if (transition.reasonCode.startsWith('would_trip_')) {
    return `${stateLabel(transition.to)}, but ${when} the breaker ${cause}.`;
  }
  return `${entered} ${when}: ${cause}.`;
}
