'use client';

import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useId, useRef, useState, type FormEvent } from 'react';

import { endpointMutations, OVERRIDE_ACTIONS, type EndpointDetail, type OverrideAction, type Role } from '@/lib/client/queries';

import { ACTION_TARGET, describeOverride, OPERATOR_STATES } from './describe-override';
import { ErrorState } from './error-state';
import { ACTION_LABELS, formatLocalTime, formatUtc, stateLabel } from './format';
import { StateBadge } from './state-badge';

type Step = 'edit' | 'confirm';

const MANUAL_OVERRIDE_RUNBOOK = '/runbooks/manual-override';

/** Roles that may override a breaker. */
const OVERRIDE_ROLES: readonly Role[] = ['operator', 'admin'];

function defaultAction(endpoint: EndpointDetail): OverrideAction {
  return OPERATOR_STATES.includes(endpoint.breaker.state) ? 'release' : 'force_open';
}

/** Converts a datetime-local value (local time, no zone) to ISO, or undefined when empty or invalid. */
function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/**
 * Override button and its dialog: choose an action, write the required reason, optionally set
 * an expiry, read what will happen, then confirm. Disabled with the reason for viewers.
 */
export function OverrideDialog({ endpoint, role }: { endpoint: EndpointDetail; role: Role | undefined }) {
  const id = useId();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [step, setStep] = useState<Step>('edit');
  const [action, setAction] = useState<OverrideAction>(() => defaultAction(endpoint));
  const [reason, setReason] = useState('');
  const [expiry, setExpiry] = useState('');
  const [applied, setApplied] = useState<string | null>(null);
  const override = useMutation(endpointMutations.override);

  const allowed = role !== undefined && OVERRIDE_ROLES.includes(role);
  const inOperatorState = OPERATOR_STATES.includes(endpoint.breaker.state);
  const trimmedReason = reason.trim();
  const expiresAt = action === 'release' ? undefined : localInputToIso(expiry);
  const expiryInvalid = action !== 'release' && expiry !== '' && (!expiresAt || Date.parse(expiresAt) <= Date.now());
  const releaseInvalid = action === 'release' && !inOperatorState;
  const canReview = trimmedReason !== '' && !expiryInvalid && !releaseInvalid;
  const preview = describeOverride(action, endpoint, expiresAt);
  const fieldError = override.error?.field;

  let expiryText = 'Never';
  if (expiresAt) expiryText = `${formatLocalTime(expiresAt)} (${formatUtc(expiresAt)})`;
  else if (action === 'release') expiryText = '–';

  const open = () => {
    setStep('edit');
    setAction(defaultAction(endpoint));
    setReason('');
    setExpiry('');
    setApplied(null);
    override.reset();
    dialogRef.current?.showModal();
  };

  const close = () => dialogRef.current?.close();

  const review = (event: FormEvent) => {
    event.preventDefault();
    if (!canReview) return;
    override.reset();
    setStep('confirm');
  };

  const confirm = () => {
    override.mutate(
      { endpointId: endpoint.id, action, reason: trimmedReason, ...(expiresAt ? { expiresAt } : {}) },
      {
        onSuccess: (result) => {
          const state = stateLabel(result.breaker.state).toLowerCase();
          setApplied(`${ACTION_LABELS[action]} applied: the breaker is now ${state}.`);
          close();
        },
        onError: (error) => {
          // A rejected field is fixed in the form, so go back to it.
          if (error.field) setStep('edit');
        },
      },
    );
  };

  return (
    <div className="override">
      <button
        type="button"
        className="button primary"
        data-testid="override-button"
        disabled={!allowed}
        aria-describedby={allowed ? undefined : `${id}-denied`}
        onClick={open}
      >
        Override breaker…
      </button>
      {!allowed ? (
        <p id={`${id}-denied`} className="small muted" data-testid="override-disabled-reason">
          {role
            ? `Overrides need the operator or admin role; you are signed in as ${role}.`
            : 'Checking your role before overrides are allowed…'}
        </p>
      ) : null}
      {applied ? (
        <p className="success-note" role="status" data-testid="override-result">
          {applied} <Link href={`/audit?targetId=${encodeURIComponent(endpoint.id)}`}>See the audit entry</Link>.
        </p>
      ) : null}

      <dialog
        ref={dialogRef}
        className="dialog"
        aria-labelledby={`${id}-title`}
        data-testid="override-dialog"
        onClose={() => setStep('edit')}
      >
        <h2 id={`${id}-title`}>Override the breaker of {endpoint.name}</h2>
        <p className="small">
          Current state: <StateBadge state={endpoint.breaker.state} />
        </p>
        <p className="small">
          Which action fits which situation:{' '}
          <Link href={MANUAL_OVERRIDE_RUNBOOK} target="_blank" rel="noopener" data-testid="override-runbook">
            manual override runbook
          </Link>{' '}
          (opens in a new tab, so this form stays as it is).
        </p>

        {step === 'edit' ? (
          <form onSubmit={review} noValidate>
            <label htmlFor={`${id}-action`}>Action</label>
            <select
              id={`${id}-action`}
              data-testid="override-action"
              value={action}
              onChange={(event) => setAction(event.target.value as OverrideAction)}
              aria-invalid={fieldError === 'action' || undefined}
            >
              {OVERRIDE_ACTIONS.map((option) => (
                <option key={option} value={option} disabled={option === 'release' && !inOperatorState}>
                  {ACTION_LABELS[option]}
                  {option !== 'release' ? ` (${stateLabel(ACTION_TARGET[option]).toLowerCase()})` : ''}
                  {option === 'release' && !inOperatorState ? ' (no override to release)' : ''}
                </option>
              ))}
            </select>

            <label htmlFor={`${id}-reason`}>Reason (required, stored in the audit log)</label>
            <textarea
              id={`${id}-reason`}
              data-testid="override-reason"
              rows={3}
              required
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              aria-invalid={trimmedReason === '' || fieldError === 'reason' || undefined}
              aria-describedby={`${id}-reason-help`}
              placeholder="e.g. Receiver is being redeployed, INC-1234"
            />
            <p id={`${id}-reason-help`} className={trimmedReason === '' ? 'field-message' : 'visually-hidden'} data-testid="override-reason-message">
              {trimmedReason === '' ? 'Write a reason to continue: every override is audited with its reason.' : 'Reason given.'}
            </p>

            {action !== 'release' ? (
              <>
                <label htmlFor={`${id}-expiry`}>Expires at (optional, your local time)</label>
                <input
                  id={`${id}-expiry`}
                  data-testid="override-expiry"
                  type="datetime-local"
                  step={1}
                  value={expiry}
                  onChange={(event) => setExpiry(event.target.value)}
                  aria-invalid={expiryInvalid || fieldError === 'expiresAt' || undefined}
                  aria-describedby={`${id}-expiry-help`}
                />
                <p id={`${id}-expiry-help`} className={expiryInvalid ? 'field-message' : 'small muted'}>
                  {expiryInvalid
                    ? 'The expiry must be a time in the future.'
                    : expiresAt
                      ? `Lapses on its own at ${formatUtc(expiresAt)}.`
                      : 'Without an expiry the override holds until someone releases it.'}
                </p>
              </>
            ) : null}
            {releaseInvalid ? <p className="field-message">The breaker is under automatic control; there is no override to release.</p> : null}

            <p className="preview" data-testid="override-preview">
              {preview}
            </p>

            {override.isError ? <ErrorState title="The override was rejected" error={override.error} /> : null}

            <div className="dialog-actions">
              <button type="button" className="button" onClick={close}>
                Cancel
              </button>
              <button type="submit" className="button primary" data-testid="override-submit" disabled={!canReview}>
                Review override…
              </button>
            </div>
          </form>
        ) : (
          <div data-testid="override-confirmation">
            <dl className="summary-list">
              <dt>Action</dt>
              <dd>
                {ACTION_LABELS[action]}
                {action !== 'release' ? (
                  <>
                    {' → '}
                    <StateBadge state={ACTION_TARGET[action]} />
                  </>
                ) : (
                  ' → automatic control'
                )}
              </dd>
              <dt>Reason</dt>
              <dd className="pre-wrap">{trimmedReason}</dd>
              <dt>Expires</dt>
              <dd>{expiryText}</dd>
            </dl>
            <p className="preview">{preview}</p>
            {override.isError ? <ErrorState title="The override was rejected" error={override.error} /> : null}
            <div className="dialog-actions">
              <button type="button" className="button" onClick={() => setStep('edit')} disabled={override.isPending}>
                Back
              </button>
              <button
                type="button"
                className="button danger"
                data-testid="override-confirm"
                onClick={confirm}
                disabled={override.isPending}
                autoFocus
              >
                {override.isPending ? 'Applying…' : `Confirm: ${ACTION_LABELS[action]}`}
              </button>
            </div>
          </div>
        )}
      </dialog>
    </div>
  );
}
