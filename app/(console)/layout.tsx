'use client';

import { useQuery } from '@tanstack/react-query';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, type ReactNode } from 'react';

import { ConsoleNav } from '@/components/console-nav';
import { ErrorState } from '@/components/error-state';
import { LoadingState } from '@/components/loading-state';
import { sessionQuery } from '@/lib/client/queries';

/** Shell of every console page: navigation, the signed-in role, and the session check. */
export default function ConsoleLayout({ children }: { children: ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();
  const session = useQuery(sessionQuery);
  const signedOut = session.error?.status === 401;

  useEffect(() => {
    if (signedOut) router.replace(`/login?next=${encodeURIComponent(pathname + window.location.search)}`);
  }, [signedOut, router, pathname]);

  let content: ReactNode;
  if (session.isPending) content = <LoadingState label="Checking your session…" />;
  else if (signedOut) content = <LoadingState label="Session ended; opening the sign-in page…" />;
  else if (session.isError && !session.data) {
    content = <ErrorState title="Could not check your session" error={session.error} onRetry={() => void session.refetch()} />;
  } else content = children;

  return (
    <div className="console">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <ConsoleNav session={session.data} />
      <main id="main" className="console-main" tabIndex={-1}>
        {content}
      </main>
    </div>
  );
}
