'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useParams } from 'next/navigation';

import { BreakerConfigList } from '@/components/breaker-config-list';
import { BucketFiguresTable } from '@/components/bucket-figures-table';
import { EmptyState } from '@/components/empty-state';
import { EndpointHeader } from '@/components/endpoint-header';
import { fillBuckets } from '@/components/fill-buckets';
import { ErrorState } from '@/components/error-state';
import { formatMs, formatPercent, formatPercentile } from '@/components/format';
import { LatestAttempts } from '@/components/latest-attempts';
import { LoadingState } from '@/components/loading-state';
import { OpenDurations } from '@/components/open-durations';
import { Panel } from '@/components/panel';
import { ProbeEpisodes } from '@/components/probe-episodes';
import { QueryState } from '@/components/query-state';
import { SloPanel } from '@/components/slo-panel';
import { StateTimeline } from '@/components/state-timeline';
import type { TimeDomain } from '@/components/time-axis';
import { TransitionsTable } from '@/components/transitions-table';
import { WindowChart } from '@/components/window-chart';
import { endpointQueries, sessionQuery } from '@/lib/client/queries';

function TimelineSection({ endpointId, domain, asOf }: { endpointId: string; domain: TimeDomain; asOf: number }) {
  const timeline = useQuery(endpointQueries.timeline(endpointId));
  return (
    <QueryState query={timeline} subject="the state timeline">
      {(data) => <StateTimeline timeline={data} domain={domain} asOf={asOf} />}
    </QueryState>
  );
}

function WindowPanel({ endpointId }: { endpointId: string }) {
  const buckets = useQuery(endpointQueries.buckets(endpointId));
  return (
    <Panel title="Window, last 15 minutes" testId="window-panel">
      <QueryState query={buckets} subject="window buckets">
        {(series) => {
          const { slots, domain, bucketMs } = fillBuckets(series, buckets.dataUpdatedAt);
          const percentile = formatPercentile(series.thresholds.latencyPercentile);
          return (
            <>
              <div className="charts">
                <WindowChart
                  title={`Error rate per ${series.bucketSeconds} s bucket`}
                  buckets={slots}
                  domain={domain}
                  bucketMs={bucketMs}
                  value={(bucket) => (bucket.errorRate === null ? null : bucket.errorRate * 100)}
                  threshold={series.thresholds.failureRateThreshold * 100}
                  yAxisLabel="Error rate (%)"
                  format={(value) => formatPercent(value / 100)}
                  yMax={100}
                  testId="error-rate-chart"
                />
                <WindowChart
                  title={`${percentile} latency per ${series.bucketSeconds} s bucket`}
                  buckets={slots}
                  domain={domain}
                  bucketMs={bucketMs}
                  value={(bucket) => bucket.latencyPercentileMs}
                  threshold={series.thresholds.latencyThresholdMs}
                  yAxisLabel={`${percentile} latency (ms)`}
                  format={formatMs}
                  yMax="auto"
                  testId="latency-chart"
                />
              </div>
              <TimelineSection endpointId={endpointId} domain={domain} asOf={buckets.dataUpdatedAt} />
              {series.data.length === 0 ? (
                <EmptyState title="No calls in the last 15 minutes.">Buckets appear here once deliveries are attempted.</EmptyState>
              ) : (
                <BucketFiguresTable series={series} />
              )}
            </>
          );
        }}
      </QueryState>
    </Panel>
  );
}

function ProbesPanel({ endpointId, successThreshold }: { endpointId: string; successThreshold: number }) {
  const probes = useQuery(endpointQueries.probes(endpointId));
  return (
    <Panel title="Probe outcomes, last 24 hours" testId="probes-panel">
      <QueryState query={probes} subject="probe episodes">
        {(page) => <ProbeEpisodes episodes={page.data} successThreshold={successThreshold} />}
      </QueryState>
    </Panel>
  );
}

function OpenDurationsPanel({ endpointId }: { endpointId: string }) {
  const timeline = useQuery(endpointQueries.timeline(endpointId));
  return (
    <Panel title="Open durations, last 24 hours" testId="open-durations-panel">
      <QueryState query={timeline} subject="open durations">
        {(data) => <OpenDurations timeline={data} />}
      </QueryState>
    </Panel>
  );
}

function SloSection({ endpointId }: { endpointId: string }) {
  const slo = useQuery(endpointQueries.slo(endpointId));
  return (
    <Panel title="Error budget" testId="slo-section">
      <QueryState query={slo} subject="the error budget">
        {(report) => <SloPanel slo={report} />}
      </QueryState>
    </Panel>
  );
}

export default function EndpointPage() {
  const { id } = useParams<{ id: string }>();
  const endpointId = id;
  const endpoint = useQuery(endpointQueries.detail(endpointId));
  const transitions = useQuery(endpointQueries.transitions(endpointId));
  const session = useQuery(sessionQuery);

  if (endpoint.isPending) return <LoadingState label="Loading endpoint…" />;
  if (endpoint.isError && !endpoint.data) {
    const notFound = endpoint.error.status === 404;
    return (
      <>
        <title>Endpoint · Switchyard</title>
        <ErrorState
          title={notFound ? `Endpoint ${endpointId} not found` : 'Could not load the endpoint'}
          error={endpoint.error}
          onRetry={notFound ? undefined : () => void endpoint.refetch()}
        />
        <p>
          <Link href="/">Back to the overview</Link>
        </p>
      </>
    );
  }

  const detail = endpoint.data;
  return (
    <>
      <title>{`${detail.name} · Switchyard`}</title>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Overview</Link> / <span aria-current="page">{detail.name}</span>
      </nav>
      {endpoint.isError ? (
        <p className="stale-warning" role="status">
          Live updates of this endpoint failed: {endpoint.error.message}
        </p>
      ) : null}

      <EndpointHeader endpoint={detail} transitions={transitions.data?.data} role={session.data?.role} />
      <BreakerConfigList config={detail.breakerConfig} retry={detail.retry} />

      <WindowPanel endpointId={endpointId} />
      <div className="panel-pair">
        <SloSection endpointId={endpointId} />
        <ProbesPanel endpointId={endpointId} successThreshold={detail.breakerConfig.successThreshold} />
      </div>
      <OpenDurationsPanel endpointId={endpointId} />

      <Panel title="Transitions">
        <QueryState
          query={transitions}
          subject="transitions"
          isEmpty={(page) => page.data.length === 0}
          empty={<EmptyState title="No transitions recorded yet." />}
        >
          {(page) => <TransitionsTable transitions={page.data} successThreshold={detail.breakerConfig.successThreshold} />}
        </QueryState>
      </Panel>

      <Panel title="Latest attempts">
        <LatestAttempts endpointId={endpointId} />
      </Panel>
    </>
  );
}
