'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';

/**
 * Reads filters from the URL's query string and writes changes back with `router.replace`,
 * so a filtered view can be shared as a link. An empty value removes the parameter.
 * Components that call this must sit inside a Suspense boundary (useSearchParams).
 */
export function useUrlFilters<Key extends string>(keys: readonly Key[]) {
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const search = searchParams.toString();

  const values = useMemo(() => {
    const params = new URLSearchParams(search);
    return Object.fromEntries(keys.map((key) => [key, params.get(key) ?? ''])) as Record<Key, string>;
    // `keys` is a constant list at every call site, so only the query string is a dependency.
  }, [search]);

  const update = useCallback(
    (patch: Partial<Record<Key, string>>) => {
      const params = new URLSearchParams(search);
      for (const [key, value] of Object.entries(patch) as Array<[Key, string | undefined]>) {
        if (value) params.set(key, value);
        else params.delete(key);
      }
      const query = params.toString();
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [search, router, pathname],
  );

  return [values, update] as const;
}
