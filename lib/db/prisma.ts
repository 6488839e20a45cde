import { PrismaPg } from '@prisma/adapter-pg';

import { PrismaClient } from './generated/client';
import { pool } from './pool';

type PrismaHolder = { __switchyardPrisma?: PrismaClient };

/** The process-wide Prisma client, sharing the pg pool used for raw SQL. */
export function prisma(): PrismaClient {
  const holder = globalThis as PrismaHolder;
  holder.__switchyardPrisma ??= new PrismaClient({ adapter: new PrismaPg(pool()) });
  return holder.__switchyardPrisma;
}

export type { PrismaClient };
