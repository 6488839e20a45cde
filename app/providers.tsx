'use client';

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';

import { ApiError } from '@/lib/client/api';
import { sessionQuery } from '@/lib/client/queries';

function isClientError(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 400 && error.status < 500;
}

function createQueryClient(): QueryClient {
  // A 401 from any request means the session ended. Refetching the session query lets the
  // console layout see the 401 and send the operator to the sign-in page.
  const refreshSessionOn401 = (error: unknown, queryKey?: readonly unknown[]) => {
    if (!(error instanceof ApiError) || error.status !== 401) return;
    if (queryKey?.[0] === sessionQuery.queryKey[0]) return;
    void client.invalidateQueries({ queryKey: sessionQuery.queryKey });
  };

  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: (error, query) => refreshSessionOn401(error, query.queryKey) }),
    mutationCache: new MutationCache({ onError: (error) => refreshSessionOn401(error) }),
    defaultOptions: {
      queries: {
        staleTime: 1_000,
        // A 4xx will not change on a retry, so only network errors and 5xx are tried twice more.
        retry: (failureCount, error) => !isClientError(error) && failureCount < 2,
        refetchOnWindowFocus: true,
      },
      mutations: { retry: false },
    },
  });
  return client;
}

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(createQueryClient);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
