'use client';

import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';

import { auditMutations, type AuditVerification } from '@/lib/client/queries';

import { ErrorState } from './error-state';
import { formatCount } from './format';

function VerificationResult({ result }: { result: AuditVerification }) {
  if (result.ok) {
    return (
      <p className="verify-result verify-ok" role="status" data-testid="verify-result" data-ok="true">
        Chain intact: {formatCount(result.checked)} entries checked, every hash matches.
      </p>
    );
  }
  const broken = result.firstBroken;
  return (
    <div className="verify-result verify-broken" role="alert" data-testid="verify-result" data-ok="false">
      <p>
        Chain broken: {formatCount(result.checked)} entries checked.
        {broken ? (
          <>
            {' '}
            The first broken entry is number {String(broken.seq)} (<span className="mono">{broken.id}</span>). Its stored hash
            does not match its content and the hash before it, so an entry at or just before this point was changed or removed
            after it was written.
          </>
        ) : null}
      </p>
      {broken ? (
        <p>
          <Link href={`#audit-${broken.id}`}>Go to the entry</Link> (when it is on this page).
        </p>
      ) : null}
    </div>
  );
}

/** "Verify chain" button with the result of the hash-chain check. */
export function AuditVerify({ onResult }: { onResult?: (result: AuditVerification) => void }) {
  const verify = useMutation(auditMutations.verify);

  return (
    <div className="audit-verify">
      <button
        type="button"
        className="button"
        data-testid="verify-chain"
        disabled={verify.isPending}
        onClick={() => verify.mutate(undefined, { onSuccess: onResult })}
      >
        {verify.isPending ? 'Verifying…' : 'Verify chain'}
      </button>
      {verify.isError ? <ErrorState title="The chain check failed to run" error={verify.error} /> : null}
      {verify.data ? <VerificationResult result={verify.data} /> : null}
    </div>
  );
}
