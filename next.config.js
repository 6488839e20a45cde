/** @type {import('next').NextConfig} */
const nextConfig = {
  // Loaded from node_modules at run time instead of bundled: native-ish or wasm packages and
  // the ones that keep process-wide state.
  serverExternalPackages: ['pg', 'pino', 'undici', '@prisma/adapter-pg', '@opentelemetry/exporter-prometheus', '@opentelemetry/exporter-metrics-otlp-http', '@opentelemetry/sdk-metrics'],
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
};

export default nextConfig;
