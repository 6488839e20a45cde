'use client';

import { useEffect, useId, useRef, useState } from 'react';

import { BREAKER_STATES } from '@/lib/client/queries';

import { STATE_LABELS } from './format';

export type EndpointFilterValues = { state: string; tier: string; q: string };

type Props = {
  values: EndpointFilterValues;
  onChange: (patch: Partial<EndpointFilterValues>) => void;
};

/** Time the name field waits after the last key press before it filters. */
const NAME_DEBOUNCE_MS = 300;

/** State, tier and name filters of the endpoint table; the server applies them. */
export function EndpointFilters({ values, onChange }: Props) {
  const id = useId();
  const [name, setName] = useState(values.q);
  // The name last sent to `onChange`. A URL value that differs from it came from outside,
  // such as the back button, and replaces the typed text. The URL's echo of our own change
  // is ignored, so keys typed while the URL updates are kept.
  const sentName = useRef(values.q);

  useEffect(() => {
    if (values.q === sentName.current) return;
    sentName.current = values.q;
    setName(values.q);
  }, [values.q]);

  useEffect(() => {
    if (name === sentName.current) return;
    const timer = setTimeout(() => {
      sentName.current = name;
      onChange({ q: name });
    }, NAME_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [name, onChange]);

  return (
    <form
      className="filters"
      role="search"
      aria-label="Filter endpoints"
      onSubmit={(event) => {
        event.preventDefault();
        sentName.current = name;
        onChange({ q: name });
      }}
    >
      <label htmlFor={`${id}-state`}>
        State
        <select id={`${id}-state`} value={values.state} onChange={(event) => onChange({ state: event.target.value })}>
          <option value="">All states</option>
          {BREAKER_STATES.map((state) => (
            <option key={state} value={state}>
              {STATE_LABELS[state]}
            </option>
          ))}
        </select>
      </label>
      <label htmlFor={`${id}-tier`}>
        Tier
        <select id={`${id}-tier`} value={values.tier} onChange={(event) => onChange({ tier: event.target.value })}>
          <option value="">All tiers</option>
          <option value="critical">Critical</option>
          <option value="standard">Standard</option>
        </select>
      </label>
      <label htmlFor={`${id}-name`}>
        Name
        <input
          id={`${id}-name`}
          type="search"
          value={name}
          placeholder="Search by name"
          autoComplete="off"
          onChange={(event) => setName(event.target.value)}
        />
      </label>
      {values.state || values.tier || values.q ? (
        <button type="button" className="button link-button" onClick={() => onChange({ state: '', tier: '', q: '' })}>
          Clear filters
        </button>
      ) : null}
    </form>
  );
}
