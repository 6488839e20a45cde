// OpenTelemetry metrics of one instance, exposed for Prometheus at /api/metrics and pushed over
// OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set. docs/metrics.md lists every series.
import type { Attributes, Counter, Histogram, ObservableGauge } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';

import { observabilityConfig } from '../config/observability';
import { config } from '../config/env';
import { pool } from '../db/pool';
import { appClock } from '../runtime/clock';
import { errorFields, logger } from './logger';
import { sharedStateReader, type SharedState } from './shared-state';

const BREAKER_STATES = ['closed', 'open', 'half_open', 'forced_open', 'forced_closed', 'disabled', 'metrics_only'];

// Attempt durations in seconds: 5 ms to the longest request timeout worth telling apart.
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

type Instruments = {
  attempts: Counter;
  attemptDuration: Histogram;
  probes: Counter;
  transitions: Counter;
  ingressRejections: Counter;
};

type Metrics = {
  provider: MeterProvider;
  prometheus: PrometheusExporter;
  serializer: PrometheusSerializer;
  instruments: Instruments;
  /** Endpoints at the last read of the shared state; decides whether counters carry the endpoint label. */
  endpointCount: number;
  readShared: () => Promise<SharedState>;
  /** Attempt counts per label set not yet handed to the SDK. */
  attemptTallies: Map<string, { labels: Attributes; count: number }>;
};

type Holder = { __switchyardMetrics?: Metrics };

/**
 * Returns the process-wide metrics, creating them on first use. They live on globalThis
 * because Next.js may load this module once for instrumentation and once per route bundle,
 * and both copies must record into the same provider.
 */
export function metrics(): Metrics {
  const holder = globalThis as Holder;
  holder.__switchyardMetrics ??= createMetrics();
  return holder.__switchyardMetrics;
}

function createMetrics(): Metrics {
  const cfg = observabilityConfig();
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const readers: MetricReader[] = [prometheus];
  if (cfg.otlpEndpoint) {
    // The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT (plus /v1/metrics) and OTLP headers itself.
    readers.push(new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: cfg.otlpIntervalMs }));
  }
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'switchyard', 'service.instance.id': config().instanceId }),
    readers,
  });
  const meter = provider.getMeter('switchyard');

  const instruments: Instruments = {
    attempts: meter.createCounter('switchyard_delivery_attempts', {
      description: 'Delivery attempts finished by this instance, by outcome.',
      unit: '{attempt}',
    }),
    attemptDuration: meter.createHistogram('switchyard_delivery_attempt_duration_seconds', {
      description: 'Duration of delivery attempts finished by this instance.',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    probes: meter.createCounter('switchyard_breaker_probes', {
      description: 'Half-open probes finished by this instance, by the result the breaker saw.',
      unit: '{probe}',
    }),
    transitions: meter.createCounter('switchyard_breaker_transitions', {
      description: 'Breaker transitions stored by this instance, by from state, to state and reason.',
      unit: '{transition}',
    }),
    ingressRejections: meter.createCounter('switchyard_ingress_rejections', {
      description: 'Producer requests rejected by this instance before storage, by reason.',
      unit: '{request}',
    }),
  };

  const state: Metrics = {
    provider,
    prometheus,
    // No scope labels on every series; target_info still names the service and instance.
    serializer: new PrometheusSerializer('', false, undefined, false, true),
    instruments,
    endpointCount: 0,
    readShared: sharedStateReader(pool, appClock(), () => cfg.metricsCacheMs),
    attemptTallies: new Map(),
  };
  if (cfg.otlpEndpoint) {
    // Half the export interval, so each OTLP export carries the counts up to that point.
    setInterval(() => flushAttemptCounts(state), Math.max(1_000, cfg.otlpIntervalMs / 2)).unref();
  }
  registerSharedGauges(meter, state);
  return state;
}

function registerSharedGauges(meter: ReturnType<MeterProvider['getMeter']>, state: Metrics): void {
  const gauge = (name: string, description: string, unit: string): ObservableGauge =>
    meter.createObservableGauge(name, { description, unit });
  const breakerState = gauge('switchyard_breaker_state', 'Breaker state per endpoint: 1 for the current state, 0 for the others.', '1');
  const breakerEndpoints = gauge('switchyard_breaker_endpoints', 'Endpoints per breaker state and tier.', '{endpoint}');
  const openDuration = gauge(
    'switchyard_breaker_open_duration_seconds',
    'Time since the breaker became unavailable (open, half-open or forced open); 0 while it sends.',
    's',
  );
  const waiting = gauge('switchyard_deliveries_waiting', 'Deliveries pending, in flight or waiting for a retry.', '{delivery}');
  const deadLetters = gauge('switchyard_dead_letters', 'Dead-lettered deliveries kept for replay.', '{delivery}');
  const budget = gauge('switchyard_error_budget_remaining', 'Share of the error budget left over the SLO window; negative when overspent.', '1');
  const burn = gauge('switchyard_error_budget_burn_rate', 'Error ratio divided by (1 - objective) over the window label.', '1');
  const alerts = gauge('switchyard_alerts_open', 'Unresolved alerts by kind and tier.', '{alert}');
  let failures = 0;

  meter.addBatchObservableCallback(
    async (observer) => {
      let shared: SharedState;
      try {
        shared = await state.readShared();
        failures = 0;
      } catch (error) {
        // Log the first failure and every 20th, so a database outage does not flood the log.
        if (failures++ % 20 === 0) logger().warn({ ...errorFields(error), failures }, 'reading metrics from the database failed');
        return;
      }
      state.endpointCount = shared.endpoints.length;
      const perEndpoint = shared.endpoints.length <= observabilityConfig().metricsMaxEndpoints;

      for (const tier of ['critical', 'standard']) {
        for (const s of BREAKER_STATES) {
          const count = shared.endpoints.filter((e) => e.tier === tier && e.state === s).length;
          observer.observe(breakerEndpoints, count, { tier, state: s });
        }
      }
      for (const a of shared.openAlerts) observer.observe(alerts, a.count, { kind: a.kind, tier: a.tier });

      if (perEndpoint) {
        for (const e of shared.endpoints) {
          const labels = { endpoint: e.id, tier: e.tier };
          for (const s of BREAKER_STATES) observer.observe(breakerState, e.state === s ? 1 : 0, { ...labels, state: s });
          observer.observe(openDuration, e.unavailableSeconds, labels);
          observer.observe(waiting, e.waiting, labels);
          observer.observe(deadLetters, e.deadLetters, labels);
          const b = shared.budgets.get(e.id);
          if (b) {
            observer.observe(budget, b.remaining, labels);
            observer.observe(burn, b.burnRate1h, { ...labels, window: '1h' });
            observer.observe(burn, b.burnRate6h, { ...labels, window: '6h' });
          }
        }
        return;
      }

      // Too many endpoints for one series each: per tier, the worst open duration, budget and
      // burn rate, and the summed queues.
      for (const tier of ['critical', 'standard'] as const) {
        const inTier = shared.endpoints.filter((e) => e.tier === tier);
        const budgets = inTier.map((e) => shared.budgets.get(e.id)).filter((b) => b !== undefined);
        observer.observe(openDuration, Math.max(0, ...inTier.map((e) => e.unavailableSeconds)), { tier });
        observer.observe(waiting, inTier.reduce((sum, e) => sum + e.waiting, 0), { tier });
        observer.observe(deadLetters, inTier.reduce((sum, e) => sum + e.deadLetters, 0), { tier });
        if (budgets.length > 0) {
          observer.observe(budget, Math.min(...budgets.map((b) => b.remaining)), { tier });
          observer.observe(burn, Math.max(...budgets.map((b) => b.burnRate1h)), { tier, window: '1h' });
          observer.observe(burn, Math.max(...budgets.map((b) => b.burnRate6h)), { tier, window: '6h' });
        }
      }
    },
    [breakerState, breakerEndpoints, openDuration, waiting, deadLetters, budget, burn, alerts],
  );
}

/**
 * Updates the endpoint count that decides whether counters carry the endpoint label. The
 * alert evaluator calls it every cycle and each scrape refreshes it.
 *
 * NOTE: an instance without a dispatcher refreshes the count only when scraped, so its
 * override transitions may use a stale count between scrapes.
 */
export function setEndpointCount(count: number): void {
  metrics().endpointCount = count;
}

/** Returns the endpoint label while the deployment has few enough endpoints, otherwise none. */
function endpointLabel(state: Metrics, endpointId: string): Attributes {
  return state.endpointCount <= observabilityConfig().metricsMaxEndpoints ? { endpoint: endpointId } : {};
}

/**
 * Records one finished attempt and, for a probe, its result as the breaker counted it.
 * `route` is primary or fallback; only primary attempts measure the endpoint's own receiver.
 */
export function recordAttempt(input: { endpointId: string; tier: string; route: string; outcome: string; durationMs: number; probeResult: string | null }): void {
  const state = metrics();
  // The SDK turns every label set into a sorted JSON key on each call. At thousands of
  // attempts a second that costs more than the attempt's own bookkeeping, so the counter is
  // added up here per label set and handed to the SDK before each read (flushAttemptCounts).
  const endpoint = endpointLabel(state, input.endpointId);
  const key = `${endpoint.endpoint ?? ''}\u0000${input.tier}\u0000${input.route}\u0000${input.outcome}`;
  let tally = state.attemptTallies.get(key);
  if (!tally) {
    tally = { labels: { ...endpoint, tier: input.tier, route: input.route, outcome: input.outcome }, count: 0 };
    state.attemptTallies.set(key, tally);
  }
  tally.count++;
  state.instruments.attemptDuration.record(input.durationMs / 1000, tally.labels);
  if (input.probeResult !== null) {
    state.instruments.probes.add(1, { ...endpointLabel(state, input.endpointId), tier: input.tier, result: input.probeResult });
  }
}

/**
 * Hands the attempt counts gathered by recordAttempt to the SDK. Runs before each Prometheus
 * read and on a timer for the OTLP reader, which reads on its own schedule.
 */
function flushAttemptCounts(state: Metrics): void {
  for (const tally of state.attemptTallies.values()) {
    if (tally.count === 0) continue;
    state.instruments.attempts.add(tally.count, tally.labels);
    tally.count = 0;
  }
  // Endpoints come and go, so the map is emptied past 10 000 label sets. Each set returns with
  // its next attempt.
  if (state.attemptTallies.size > 10_000) state.attemptTallies.clear();
}

/** Records one stored breaker transition. */
export function recordTransition(endpointId: string, transition: { from: string; to: string; reason: string }): void {
  const state = metrics();
  state.instruments.transitions.add(1, { ...endpointLabel(state, endpointId), from: transition.from, to: transition.to, reason: transition.reason });
}

/** Records one producer request rejected before storage (size, rate limit, signature). */
export function recordIngressRejection(reason: string): void {
  metrics().instruments.ingressRejections.add(1, { reason });
}

/** Collects every instrument and renders the Prometheus text exposition format. */
export async function renderPrometheus(): Promise<string> {
  const state = metrics();
  flushAttemptCounts(state);
  const { resourceMetrics, errors } = await state.prometheus.collect();
  if (errors.length > 0) logger().warn({ errors: errors.map((e) => String(e)) }, 'metrics collection reported errors');
  return state.serializer.serialize(resourceMetrics);
}

/**
 * Reads the endpoint count once at start, so counters recorded before the first scrape
 * already know whether to carry the endpoint label.
 */
export async function startMetrics(): Promise<void> {
  const state = metrics();
  const shared = await state.readShared();
  state.endpointCount = shared.endpoints.length;
}

/** Flushes the OTLP exporter, if any, and stops the provider. */
export async function stopMetrics(): Promise<void> {
  const holder = globalThis as Holder;
  if (holder.__switchyardMetrics) flushAttemptCounts(holder.__switchyardMetrics);
  await holder.__switchyardMetrics?.provider.shutdown();
}
