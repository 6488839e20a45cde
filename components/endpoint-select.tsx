'use client';

import { useQuery } from '@tanstack/react-query';

import { endpointQueries } from '@/lib/client/queries';

/** Endpoints offered in the list. An id from the URL that is not among them is added as its own option. */
const ENDPOINT_CHOICES = 200;

type Props = { id: string; value: string; onChange: (endpointId: string) => void };

/** Select of endpoints by name, with "All endpoints" as the empty choice. */
export function EndpointSelect({ id, value, onChange }: Props) {
  const endpoints = useQuery({ ...endpointQueries.list({ limit: ENDPOINT_CHOICES }), refetchInterval: false });
  const choices = endpoints.data?.data ?? [];
  const known = !value || choices.some((endpoint) => endpoint.id === value);

  return (
    <>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)} aria-busy={endpoints.isPending}>
        <option value="">All endpoints</option>
        {!known ? <option value={value}>{value}</option> : null}
        {choices.map((endpoint) => (
          <option key={endpoint.id} value={endpoint.id}>
            {endpoint.name} ({endpoint.id})
          </option>
        ))}
      </select>
      {endpoints.isError ? <span className="inline-error">Endpoint names could not be loaded: {endpoints.error.message}</span> : null}
      {endpoints.data?.nextCursor ? (
        <span className="small muted">Showing the first {ENDPOINT_CHOICES} endpoints; open an endpoint page to filter by any other.</span>
      ) : null}
    </>
  );
}
