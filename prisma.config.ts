import { defineConfig } from 'prisma/config';

// The datasource URL is only read by Prisma's own CLI (migrate on a machine with internet);
// the app connects through @prisma/adapter-pg with the URL from lib/config.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://127.0.0.1:5432/switchyard' },
});
