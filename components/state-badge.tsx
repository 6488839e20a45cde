import { stateLabel } from './format';

/**
 * Breaker state written out on a coloured badge. Operator states (forced, disabled, metrics
 * only) also get a dashed border, so colour is never the only cue.
 */
export function StateBadge({ state }: { state: string }) {
  return (
    <span className={`state-badge state-${state}`} data-testid="state-badge" data-state={state}>
      {stateLabel(state)}
    </span>
  );
}
