// Next.js calls register() once per server process before serving: it applies migrations and
// starts this instance's breaker registry and dispatcher.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startRuntime } = await import('./lib/runtime/start');
  await startRuntime();
}
