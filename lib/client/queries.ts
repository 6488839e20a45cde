// Query and mutation options for every console page, one group per API domain. Query keys
// start with the domain name, so a mutation invalidates a whole domain with one prefix.

import { mutationOptions, queryOptions, type QueryClient } from '@tanstack/react-query';

import { apiGet, apiPost, type QueryParams } from './api';

/** Refresh interval of breaker states and charts. */
export const LIVE_INTERVAL_MS = 2_000;
/** Refresh interval of a running replay's progress. */
export const REPLAY_INTERVAL_MS = 1_000;
/** Refresh interval of the error budget, which counts 30 days of attempts on every request. */
export const SLO_INTERVAL_MS = 5_000;
/** Resolved alerts listed under the open ones on the overview. */
export const RESOLVED_ALERTS_SHOWN = 5;

// ---------------------------------------------------------------------------------------------
// Response shapes: the fields the console reads. The API may send more.

export const BREAKER_STATES = ['closed', 'open', 'half_open', 'forced_open', 'forced_closed', 'disabled', 'metrics_only'] as const;
export type BreakerState = (typeof BREAKER_STATES)[number];

export const OVERRIDE_ACTIONS = ['force_open', 'force_closed', 'disable', 'metrics_only', 'release'] as const;
export type OverrideAction = (typeof OVERRIDE_ACTIONS)[number];

export type Role = 'admin' | 'operator' | 'viewer';
export type Session = { actor: string; role: Role };

export type Page<T> = { data: T[]; nextCursor: string | null };

export type Breaker = {
  state: BreakerState;
  /** Failures / calls over the window, 0..1, or null when the window has no calls. */
  errorRate: number | null;
  volume: number;
  latencyP95Ms: number | null;
  openedAt: string | null;
  /** Reason code of the last transition, e.g. `failure_rate`. */
  reason: string | null;
  /** When the current state was entered. */
  since: string | null;
  version: number;
  /** End of a throttle pause after a 429, or a 503 with Retry-After. Null when not paused. */
  pausedUntil: string | null;
  /** End of an operator state that was given an expiry. */
  expiresAt?: string | null;
};

export type EndpointSummary = {
  id: string;
  name: string;
  url: string;
  tier: string;
  breaker: Breaker;
  /** Deliveries queued for this endpoint and not yet sent. */
  waiting: number;
  /** Error-budget burn rate over the last hour: error ratio divided by the tier's budget. */
  burnRate1h?: number;
};

export type StateCounts = Record<BreakerState, number>;
export type EndpointPage = Page<EndpointSummary> & { counts: StateCounts };

export type BreakerConfig = {
  windowSeconds: number;
  bucketSeconds: number;
  minVolume: number;
  failureRateThreshold: number;
  latencyPercentile: number;
  latencyThresholdMs: number;
  resetTimeoutMs: number;
  halfOpenMaxConcurrent: number;
  successThreshold: number;
  rampUpMs?: number;
  [knob: string]: unknown;
};

export type RetryConfig = { maxAttempts: number; baseDelayMs: number; maxDelayMs: number; maxAgeMs: number };

export type EndpointDetail = EndpointSummary & {
  breakerConfig: BreakerConfig;
  retry: RetryConfig;
  fallbackUrl: string | null;
};

export type Bucket = {
  start: string;
  calls: number;
  failures: number;
  errorRate: number | null;
  latencyPercentileMs: number | null;
};

export type BucketSeries = {
  data: Bucket[];
  thresholds: { failureRateThreshold: number; latencyThresholdMs: number; latencyPercentile: number };
  bucketSeconds: number;
};

/** Window figures stored with a transition: what the breaker saw when it moved. */
export type TransitionWindow = {
  calls: number;
  failures: number;
  errorRate: number | null;
  latencyPercentileMs: number | null;
  percentile: number;
  failureRateThreshold: number;
  latencyThresholdMs: number;
  minVolume: number;
  windowSeconds: number;
};

export type TransitionRecord = {
  id: string;
  from: BreakerState;
  to: BreakerState;
  /** The operator's own words for their transitions, the reason code for the system's. */
  reason: string;
  /** Machine-readable reason, e.g. `failure_rate` or `override_force_open`. */
  reasonCode: string;
  /** The operator's typed reason for an override, or null for a system transition. */
  note: string | null;
  actor: string;
  at: string;
  window: TransitionWindow | null;
};

export const DELIVERY_STATUSES = ['pending', 'in_flight', 'delivered', 'failed', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export type Delivery = {
  id: string;
  eventId: string;
  endpointId: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
  lastError: string | null;
  deadReason: string | null;
  route: string | null;
  replayCount: number;
};

export type Attempt = {
  id: string;
  number: number;
  /** HTTP status code, or null when no response arrived. */
  status: number | null;
  durationMs: number;
  outcome: string;
  probe: boolean;
  /** True for an attempt made by a dead-letter replay. */
  replay?: boolean;
  startedAt: string;
  error: string | null;
  responseExcerpt: string | null;
  route: string;
};

/** One delivery with its attempts. Here `attempts` is the list, not the count of the list view. */
export type DeliveryDetail = Omit<Delivery, 'attempts'> & {
  attempts: Attempt[];
  /** Request body decoded as UTF-8. */
  payload: string;
  /** Request body bytes exactly as received. */
  payloadBase64: string;
};

export type ReplayStarted = { replayId: string; count: number };

export type Replay = {
  id: string;
  status: 'running' | 'done' | 'cancelled';
  total: number;
  /** Dead letters moved back into the queue so far. */
  sent: number;
  /** Replayed deliveries delivered so far. */
  delivered: number;
  /** Replayed deliveries by their current status. */
  deliveries: Record<string, number>;
  createdAt: string;
  finishedAt: string | null;
};

/** Replayed deliveries that are neither delivered nor dead again yet. */
export function replayOutstanding(replay: Replay): number {
  const counts = replay.deliveries ?? {};
  return (counts.pending ?? 0) + (counts.failed ?? 0) + (counts.in_flight ?? 0);
}

export type AuditEntry = {
  id: string;
  actor: string;
  action: string;
  targetId: string | null;
  reason: string | null;
  before: unknown;
  after: unknown;
  at: string;
};

export type Alert = {
  id: string;
  endpointId: string;
  endpointName: string | null;
  /** `sustained_open`: held open longer than the tier allows. `budget_burn`: error budget burning fast. */
  kind: string;
  tier: string;
  status: 'open' | 'resolved';
  startedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  details: Record<string, unknown>;
  /** Repository path of the runbook for this alert, with a `#section` anchor for some kinds. */
  runbook: string;
  /** Slug of the runbook for `/api/v1/runbooks/{slug}` and the console's runbook page. */
  runbookSlug: string;
  resolvedAt: string | null;
};

export type AuditVerification = { ok: boolean; checked: number; firstBroken: { id: string; seq: number | string } | null };

/** Error budget of one endpoint over the SLO window, from `GET /api/v1/endpoints/{id}/slo`. */
export type SloReport = {
  endpointId: string;
  /** Server time the figures end at. */
  at: string;
  tier: string;
  /** Share of counted attempts that must succeed, e.g. 0.999. */
  objective: number;
  windowDays: number;
  /** Successful attempts over the SLO window. */
  good: number;
  /** Failed, timed-out and network-error attempts over the SLO window. */
  bad: number;
  errorRatio: number;
  /** 1 with no errors, 0 when the budget is spent, negative when overspent. */
  budgetRemaining: number;
  burnRate1h: number;
  burnRate6h: number;
};

/** One stretch of a single breaker state, from the stored transitions. */
export type StateInterval = {
  state: BreakerState;
  from: string;
  to: string;
  durationMs: number;
  /** Reason and actor of the transition that entered the state. Null when the state began before `since`. */
  reason: string | null;
  actor: string | null;
  transitionId: string | null;
  ongoing: boolean;
};

/** Time the breaker sent nothing but probes: open, half-open and forced open joined. */
export type OpenEpisode = {
  from: string;
  to: string;
  durationMs: number;
  ongoing: boolean;
  /** True when the episode began before the range, so `from` is the range start. */
  startedBeforeRange: boolean;
  /** Unavailable states in the order the episode passed through them. */
  states: BreakerState[];
};

export type TimelineMarker = {
  kind: 'override' | 'config_change' | 'alert';
  at: string;
  actor: string;
  /** Audit action, e.g. `breaker.override` or `endpoint.update`. */
  action: string;
  reason: string | null;
  auditId: string;
  /** Override: the state set. Config change: the settings that changed, as dotted paths. */
  detail: string[];
};

export type Timeline = {
  endpointId: string;
  since: string;
  until: string;
  intervals: StateInterval[];
  openDurations: OpenEpisode[];
  markers: TimelineMarker[];
};

export type ProbeAttempt = { id: string; deliveryId: string; startedAt: string; outcome: string; status: number | null; durationMs: number };

/** One half-open episode with the probe attempts that started in it. */
export type ProbeEpisode = {
  transitionId: string;
  startedAt: string;
  endedAt: string | null;
  /** `closed`, `reopened`, `ongoing`, or the operator state that ended the episode. */
  result: string;
  endReason: string | null;
  probes: number;
  successes: number;
  failures: number;
  /** Successes ÷ probes, or null when no probe ran. */
  successRate: number | null;
  attempts: ProbeAttempt[];
};

export type RunbookSummary = { slug: string; title: string; path: string };
export type Runbook = RunbookSummary & { markdown: string };

// ---------------------------------------------------------------------------------------------
// Queries

export type EndpointFilters = { state?: string; tier?: string; q?: string; sort?: string; limit?: number; cursor?: string };
export type DeliveryFilters = { endpointId?: string; status?: string; limit?: number; cursor?: string };
export type DeadLetterFilters = { endpointId?: string; limit?: number; cursor?: string };
export type AuditFilters = { action?: string; targetId?: string; limit?: number; cursor?: string };

const encodeId = encodeURIComponent;

export const sessionQuery = queryOptions({
  queryKey: ['session'],
  queryFn: ({ signal }) => apiGet<Session>('/api/auth/session', {}, signal),
  staleTime: 60_000,
  retry: false,
});

export const endpointQueries = {
  all: ['endpoints'] as const,

  list: (filters: EndpointFilters) =>
    queryOptions({
      queryKey: ['endpoints', 'list', filters],
      queryFn: ({ signal }) => apiGet<EndpointPage>('/api/v1/endpoints', filters as QueryParams, signal),
      refetchInterval: LIVE_INTERVAL_MS,
      // Keeps the previous page on screen while the next filter or page loads.
      placeholderData: (previous) => previous,
    }),

  detail: (id: string) =>
    queryOptions({
      queryKey: ['endpoints', 'detail', id],
      queryFn: ({ signal }) => apiGet<EndpointDetail>(`/api/v1/endpoints/${encodeId(id)}`, {}, signal),
      refetchInterval: LIVE_INTERVAL_MS,
    }),

  buckets: (id: string) =>
    queryOptions({
      queryKey: ['endpoints', 'detail', id, 'buckets'],
      queryFn: ({ signal }) => apiGet<BucketSeries>(`/api/v1/endpoints/${encodeId(id)}/buckets`, {}, signal),
      refetchInterval: LIVE_INTERVAL_MS,
    }),

  transitions: (id: string) =>
    queryOptions({
      queryKey: ['endpoints', 'detail', id, 'transitions'],
      queryFn: ({ signal }) => apiGet<{ data: TransitionRecord[] }>(`/api/v1/endpoints/${encodeId(id)}/transitions`, {}, signal),
      refetchInterval: LIVE_INTERVAL_MS,
    }),

  slo: (id: string) =>
    queryOptions({
      queryKey: ['endpoints', 'detail', id, 'slo'],
      queryFn: ({ signal }) => apiGet<SloReport>(`/api/v1/endpoints/${encodeId(id)}/slo`, {}, signal),
      refetchInterval: SLO_INTERVAL_MS,
    }),

  /** State intervals, open episodes and markers of the last 24 hours (the route's default range). */
  timeline: (id: string) =>
    queryOptions({
      queryKey: ['endpoints', 'detail', id, 'timeline'],
      queryFn: ({ signal }) => apiGet<Timeline>(`/api/v1/endpoints/${encodeId(id)}/timeline`, {}, signal),
      refetchInterval: LIVE_INTERVAL_MS,
    }),

  /** Half-open episodes of the last 24 hours, newest first, at most 50 (the route's defaults). */
  probes: (id: string) =>
    queryOptions({
      queryKey: ['endpoints', 'detail', id, 'probes'],
      queryFn: ({ signal }) => apiGet<{ data: ProbeEpisode[] }>(`/api/v1/endpoints/${encodeId(id)}/probes`, {}, signal),
      refetchInterval: LIVE_INTERVAL_MS,
    }),
};

export const deliveryQueries = {
  all: ['deliveries'] as const,

  list: (filters: DeliveryFilters) =>
    queryOptions({
      queryKey: ['deliveries', 'list', filters],
      queryFn: ({ signal }) => apiGet<Page<Delivery>>('/api/v1/deliveries', filters as QueryParams, signal),
      refetchInterval: LIVE_INTERVAL_MS,
    }),

  detail: (id: string) =>
    queryOptions({
      queryKey: ['deliveries', 'detail', id],
      queryFn: ({ signal }) => apiGet<DeliveryDetail>(`/api/v1/deliveries/${encodeId(id)}`, {}, signal),
    }),
};

/** An attempt in an endpoint's list, which names its delivery. */
export type EndpointAttempt = Attempt & { deliveryId: string };

export const attemptQueries = {
  /** The endpoint's latest attempts, newest first. */
  latest: (endpointId: string, limit: number) =>
    queryOptions({
      queryKey: ['attempts', endpointId, limit],
      queryFn: ({ signal }) => apiGet<Page<EndpointAttempt>>(`/api/v1/endpoints/${encodeId(endpointId)}/attempts`, { limit }, signal),
      refetchInterval: LIVE_INTERVAL_MS,
    }),
};

export const deadLetterQueries = {
  all: ['dead-letters'] as const,

  list: (filters: DeadLetterFilters) =>
    queryOptions({
      queryKey: ['dead-letters', 'list', filters],
      queryFn: ({ signal }) => apiGet<Page<Delivery>>('/api/v1/dead-letters', filters as QueryParams, signal),
      placeholderData: (previous) => previous,
    }),
};

export const replayQueries = {
  all: ['replays'] as const,

  detail: (id: string) =>
    queryOptions({
      queryKey: ['replays', 'detail', id],
      queryFn: ({ signal }) => apiGet<Replay>(`/api/v1/replays/${encodeId(id)}`, {}, signal),
      // Polls while the replay runs and while its replayed deliveries are still being sent.
      refetchInterval: (query) => {
        const data = query.state.data;
        if (!data) return REPLAY_INTERVAL_MS;
        return data.status === 'running' || replayOutstanding(data) > 0 ? REPLAY_INTERVAL_MS : false;
      },
    }),
};

export const alertQueries = {
  all: ['alerts'] as const,

  open: () =>
    queryOptions({
      queryKey: ['alerts', 'open'],
      queryFn: ({ signal }) => apiGet<Page<Alert>>('/api/v1/alerts', { status: 'open', limit: 100 }, signal),
      refetchInterval: LIVE_INTERVAL_MS,
    }),

  recentlyResolved: () =>
    queryOptions({
      queryKey: ['alerts', 'resolved'],
      queryFn: ({ signal }) => apiGet<Page<Alert>>('/api/v1/alerts', { status: 'resolved', limit: RESOLVED_ALERTS_SHOWN }, signal),
      refetchInterval: LIVE_INTERVAL_MS,
    }),
};

export const runbookQueries = {
  all: ['runbooks'] as const,

  list: () =>
    queryOptions({
      queryKey: ['runbooks', 'list'],
      queryFn: ({ signal }) => apiGet<{ data: RunbookSummary[] }>('/api/v1/runbooks', {}, signal),
      staleTime: 60_000,
    }),

  detail: (slug: string) =>
    queryOptions({
      queryKey: ['runbooks', 'detail', slug],
      queryFn: ({ signal }) => apiGet<Runbook>(`/api/v1/runbooks/${encodeId(slug)}`, {}, signal),
      staleTime: 60_000,
    }),
};

export const auditQueries = {
  all: ['audit'] as const,

  list: (filters: AuditFilters) =>
    queryOptions({
      queryKey: ['audit', 'list', filters],
      queryFn: ({ signal }) => apiGet<Page<AuditEntry>>('/api/v1/audit', filters as QueryParams, signal),
      placeholderData: (previous) => previous,
    }),
};

// ---------------------------------------------------------------------------------------------
// Mutations. Each one waits for its invalidations, so the page shows the change when it settles.

export type OverrideRequest = { endpointId: string; action: OverrideAction; reason: string; expiresAt?: string };
export type ReplayRequest = {
  ids?: string[];
  filter?: { endpointId?: string; since?: string; until?: string };
  /** Dead letters moved back into the queue per second, 1 to 1000. The server default is 50. */
  ratePerSecond?: number;
};
/** Sign-in with an admin or API token, or with a console user's email and password. */
export type LoginRequest = { token: string } | { email: string; password: string };

export const authMutations = {
  login: mutationOptions({
    mutationKey: ['auth', 'login'],
    mutationFn: (request: LoginRequest) => apiPost<Session>('/api/auth/login', request),
    onSuccess: (_data, _request, _result, context) => context.client.resetQueries(),
  }),

  logout: mutationOptions({
    mutationKey: ['auth', 'logout'],
    mutationFn: () => apiPost<unknown>('/api/auth/logout'),
    onSuccess: (_data, _variables, _result, context) => context.client.clear(),
  }),
};

function invalidateEndpointViews(client: QueryClient): Promise<unknown> {
  return Promise.all([
    client.invalidateQueries({ queryKey: endpointQueries.all }),
    client.invalidateQueries({ queryKey: deliveryQueries.all }),
    client.invalidateQueries({ queryKey: auditQueries.all }),
  ]);
}

export const endpointMutations = {
  override: mutationOptions({
    mutationKey: ['endpoints', 'override'],
    mutationFn: ({ endpointId, ...body }: OverrideRequest) =>
      apiPost<{ breaker: Breaker }>(`/api/v1/endpoints/${encodeId(endpointId)}/override`, body),
    onSuccess: (_data, _request, _result, context) => invalidateEndpointViews(context.client),
  }),
};

export const replayMutations = {
  start: mutationOptions({
    mutationKey: ['replays', 'start'],
    mutationFn: (request: ReplayRequest) => apiPost<ReplayStarted>('/api/v1/dead-letters/replay', request),
    onSuccess: (_data, _request, _result, context) =>
      Promise.all([
        context.client.invalidateQueries({ queryKey: deadLetterQueries.all }),
        invalidateEndpointViews(context.client),
      ]),
  }),

  cancel: mutationOptions({
    mutationKey: ['replays', 'cancel'],
    mutationFn: (replayId: string) => apiPost<unknown>(`/api/v1/replays/${encodeId(replayId)}/cancel`),
    onSuccess: (_data, replayId, _result, context) =>
      Promise.all([
        context.client.invalidateQueries({ queryKey: replayQueries.detail(replayId).queryKey }),
        context.client.invalidateQueries({ queryKey: deadLetterQueries.all }),
        context.client.invalidateQueries({ queryKey: auditQueries.all }),
      ]),
  }),
};

export const alertMutations = {
  acknowledge: mutationOptions({
    mutationKey: ['alerts', 'acknowledge'],
    mutationFn: (alertId: string) => apiPost<Alert>(`/api/v1/alerts/${encodeId(alertId)}/ack`),
    onSuccess: (_data, _alertId, _result, context) =>
      Promise.all([
        context.client.invalidateQueries({ queryKey: alertQueries.all }),
        context.client.invalidateQueries({ queryKey: auditQueries.all }),
      ]),
  }),
};

export const auditMutations = {
  // A mutation because the operator starts it with a button, though the API serves it as GET.
  verify: mutationOptions({
    mutationKey: ['audit', 'verify'],
    mutationFn: () => apiGet<AuditVerification>('/api/v1/audit/verify'),
  }),
};
