import { ApiError } from '@/lib/client/api';

type Props = {
  error: unknown;
  /** Heading that names the failed operation, e.g. "Could not load endpoints". */
  title?: string;
  onRetry?: () => void;
};

/** Failed request: the server's message and code, with a retry button when one is given. */
export function ErrorState({ error, title = 'Request failed', onRetry }: Props) {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? error.code : undefined;
  const status = error instanceof ApiError && error.status > 0 ? error.status : undefined;

  return (
    <div className="panel-state error-state" role="alert" data-testid="error-state">
      <p className="error-title">{title}</p>
      <p className="error-message">{message}</p>
      {code ? (
        <p className="error-code">
          Code <code>{code}</code>
          {status ? <> · HTTP {status}</> : null}
        </p>
      ) : null}
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}
