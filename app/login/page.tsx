'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useEffect, useRef, useState } from 'react';

import { LoadingState } from '@/components/loading-state';
import { authMutations } from '@/lib/client/queries';

/** Returns `next` when it is a path on this site, so the sign-in page cannot redirect elsewhere. */
function safeNextPath(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next.startsWith('/login')) return '/';
  return next;
}

function LoginForm() {
  const router = useRouter();
  const searchParams = useSearchParams();
  const nextPath = safeNextPath(searchParams.get('next'));
  const linkToken = searchParams.get('token');
  const login = useMutation(authMutations.login);
  const [token, setToken] = useState('');
  const linkTokenUsed = useRef(false);
  const [cameFromLink] = useState(() => Boolean(linkToken));

  // Signs in with the token of a sign-in link (the server prints one on first start), then
  // removes the token from the address bar and the history.
  useEffect(() => {
    if (!linkToken || linkTokenUsed.current) return;
    linkTokenUsed.current = true;
    const cleanUrl = nextPath === '/' ? '/login' : `/login?next=${encodeURIComponent(nextPath)}`;
    window.history.replaceState(null, '', cleanUrl);
    login.mutate(linkToken, { onSuccess: () => router.replace(nextPath) });
  }, [linkToken, nextPath, login, router]);

  const trimmed = token.trim();
  const signingInFromLink = cameFromLink && login.isPending;

  return (
    <main className="login" id="main">
      <title>Sign in · Switchyard</title>
      <h1>Switchyard</h1>
      <p className="muted">Operator console of the webhook gateway.</p>

      {signingInFromLink ? <LoadingState label="Signing in with the link's token…" /> : null}

      <form
        className="login-form"
        aria-labelledby="login-heading"
        onSubmit={(event) => {
          event.preventDefault();
          if (!trimmed) return;
          login.mutate(trimmed, { onSuccess: () => router.replace(nextPath) });
        }}
      >
        <h2 id="login-heading">Sign in</h2>
        <label htmlFor="login-token">Admin or API token</label>
        <input
          id="login-token"
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={token}
          onChange={(event) => setToken(event.target.value)}
          aria-describedby="login-hint"
          aria-invalid={login.isError || undefined}
          data-testid="login-token"
        />
        <p id="login-hint" className="small muted">
          The admin token is <code>SWITCHYARD_ADMIN_TOKEN</code>, or the one generated into the data folder on first
          start. The server also prints a sign-in link when it starts.
        </p>
        {login.isError ? (
          <p className="inline-error" role="alert" data-testid="login-error">
            Sign-in failed: {login.error.message}
          </p>
        ) : null}
        <button type="submit" className="button primary" disabled={!trimmed || login.isPending} data-testid="login-submit">
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

export default function LoginPage() {
  return (
    <Suspense fallback={<LoadingState label="Loading the sign-in page…" />}>
      <LoginForm />
    </Suspense>
  );
}
