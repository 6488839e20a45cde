'use client';

import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';

import { authMutations, type Session } from '@/lib/client/queries';

const LINKS = [
  { href: '/', label: 'Overview' },
  { href: '/dead-letters', label: 'Dead letters' },
  { href: '/audit', label: 'Audit' },
  { href: '/runbooks', label: 'Runbooks' },
];

function isActive(pathname: string, href: string): boolean {
  if (href === '/') return pathname === '/' || pathname.startsWith('/endpoints/');
  return pathname === href || pathname.startsWith(`${href}/`);
}

/** Top bar: product name, page links, the signed-in actor and role, and sign-out. */
export function ConsoleNav({ session }: { session: Session | undefined }) {
  const pathname = usePathname();
  const router = useRouter();
  const logout = useMutation(authMutations.logout);

  return (
    <header className="topbar">
      <Link href="/" className="brand">
        Switchyard
      </Link>
      <nav aria-label="Console">
        <ul className="nav-links">
          {LINKS.map((link) => (
            <li key={link.href}>
              <Link href={link.href} aria-current={isActive(pathname, link.href) ? 'page' : undefined}>
                {link.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="session" data-testid="session">
        {session ? (
          <>
            <span>
              Signed in as <strong>{session.actor}</strong>
            </span>
            <span className={`role-badge role-${session.role}`} data-testid="session-role" data-role={session.role}>
              Role: {session.role}
            </span>
            <button
              type="button"
              className="button"
              disabled={logout.isPending}
              onClick={() => logout.mutate(undefined, { onSuccess: () => router.replace('/login') })}
            >
              {logout.isPending ? 'Signing out…' : 'Sign out'}
            </button>
            {logout.isError ? (
              <span className="inline-error" role="alert">
                Sign-out failed: {logout.error.message}
              </span>
            ) : null}
          </>
        ) : null}
      </div>
    </header>
  );
}
