'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useEffect, useRef, useState } from 'react';

import { LoadingState } from '@/components/loading-state';
import { authMutations, type LoginRequest } from '@/lib/client/queries';

/** Returns `next` when it is a path on this site, so the sign-in page cannot redirect elsewhere. */
function safeNextPath(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next.startsWith('/login')) return '/';
  return next;
}

function LoginForms() {
  const router = useRouter();
  const searchParams = useSearchParams();
  const nextPath = safeNextPath(searchParams.get('next'));
  const linkToken = searchParams.get('token');
  const login = useMutation(authMutations.login);
  const [token, setToken] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  // Which form sent the last request, so its error shows under that form only.
  const [method, setMethod] = useState<'token' | 'password'>('password');
  const linkTokenUsed = useRef(false);
  const [cameFromLink] = useState(() => Boolean(linkToken));

  // Signs in with the token of a sign-in link (the server prints one on first start), then
  // removes the token from the address bar and the history.
  useEffect(() => {
    if (!linkToken || linkTokenUsed.current) return;
    linkTokenUsed.current = true;
    const cleanUrl = nextPath === '/' ? '/login' : `/login?next=${encodeURIComponent(nextPath)}`;
    window.history.replaceState(null, '', cleanUrl);
    setMethod('token');
    login.mutate({ token: linkToken }, { onSuccess: () => router.replace(nextPath) });
  }, [linkToken, nextPath, login, router]);

  const trimmedToken = token.trim();
  const trimmedEmail = email.trim();
  const signingInFromLink = cameFromLink && login.isPending;
  const passwordError = method === 'password' && login.isError ? login.error : null;
  const tokenError = method === 'token' && login.isError ? login.error : null;

  const submit = (request: LoginRequest, via: 'token' | 'password') => {
    setMethod(via);
    login.mutate(request, { onSuccess: () => router.replace(nextPath) });
  };

  return (
    <main className="login" id="main">
      <title>Sign in · Switchyard</title>
      <h1>Switchyard</h1>
      <p className="muted">Operator console of the webhook gateway.</p>

      {signingInFromLink ? <LoadingState label="Signing in with the link's token…" /> : null}

      <div className="login-forms">
        <form
          className="login-form"
          aria-labelledby="login-password-heading"
          onSubmit={(event) => {
            event.preventDefault();
            if (!trimmedEmail || !password) return;
            submit({ email: trimmedEmail, password }, 'password');
          }}
        >
          <h2 id="login-password-heading">Sign in with email and password</h2>
          <label htmlFor="login-email">Email</label>
          <input
            id="login-email"
            name="email"
            type="email"
            autoComplete="username"
            spellCheck={false}
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            aria-invalid={passwordError?.field === 'email' || undefined}
            data-testid="login-email"
          />
          <label htmlFor="login-password">Password</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            aria-invalid={passwordError !== null || undefined}
            aria-describedby="login-password-hint"
            data-testid="login-password"
          />
          <p id="login-password-hint" className="small muted">
            For console users an admin created with <code>POST /api/v1/users</code> or <code>npm run user:create</code>.
          </p>
          {passwordError ? (
            <p className="inline-error" role="alert" data-testid="login-password-error">
              Sign-in failed: {passwordError.message}
            </p>
          ) : null}
          <button
            type="submit"
            className="button primary"
            disabled={!trimmedEmail || !password || login.isPending}
            data-testid="login-password-submit"
          >
            {login.isPending && method === 'password' ? 'Signing in…' : 'Sign in'}
          </button>
        </form>

        <form
          className="login-form"
          aria-labelledby="login-token-heading"
          onSubmit={(event) => {
            event.preventDefault();
            if (!trimmedToken) return;
            submit({ token: trimmedToken }, 'token');
          }}
        >
          <h2 id="login-token-heading">Sign in with a token</h2>
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
            aria-invalid={tokenError !== null || undefined}
            data-testid="login-token"
          />
          <p id="login-hint" className="small muted">
            The admin token is <code>SWITCHYARD_ADMIN_TOKEN</code>, or the one generated into the data folder on first
            start. The server also prints a sign-in link when it starts.
          </p>
          {tokenError ? (
            <p className="inline-error" role="alert" data-testid="login-error">
              Sign-in failed: {tokenError.message}
            </p>
          ) : null}
          <button type="submit" className="button primary" disabled={!trimmedToken || login.isPending} data-testid="login-submit">
            {login.isPending && method === 'token' ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}

export default function LoginPage() {
  return (
    <Suspense fallback={<LoadingState label="Loading the sign-in page…" />}>
      <LoginForms />
    </Suspense>
  );
}
