import path from 'node:path';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestDatabase, type TestDatabase } from '../support/database';
import { POSTGRES_TYPES, readPrismaSchema, type SchemaTable } from '../support/prisma-schema';

// The migrations are hand-written SQL (Prisma's schema engine cannot run offline), so this
// test checks that the migrated database matches prisma/schema.prisma in both directions.
let db: TestDatabase;
let sql: pg.Client;
let tables: SchemaTable[];

type ColumnRow = { table_name: string; column_name: string; udt_name: string; is_nullable: 'YES' | 'NO'; column_default: string | null };
type IndexRow = { table_name: string; unique: boolean; primary: boolean; columns: string[] };

let columns: ColumnRow[];
let indexes: IndexRow[];

beforeAll(async () => {
  db = await createTestDatabase('schema_drift');
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  tables = readPrismaSchema(path.join(process.cwd(), 'prisma', 'schema.prisma'));
  columns = (
    await sql.query<ColumnRow>(
      `SELECT table_name, column_name, udt_name, is_nullable, column_default
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    )
  ).rows;
  indexes = (
    await sql.query<IndexRow>(
      `SELECT t.relname AS table_name, i.indisunique AS unique, i.indisprimary AS primary,
              array_agg(a.attname::text ORDER BY k.ordinality) AS columns
         FROM pg_index i
         JOIN pg_class t ON t.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
         CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ordinality)
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
        WHERE i.indpred IS NULL
        GROUP BY t.relname, i.indexrelid, i.indisunique, i.indisprimary`,
    )
  ).rows;
});

afterAll(async () => {
  await sql?.end();
  await db?.drop();
});

describe('schema.prisma and the migrations', () => {
  it('reads every model of the schema', () => {
    expect(tables.length).toBeGreaterThanOrEqual(15);
    expect(tables.map((t) => t.table)).toContain('deliveries');
  });

  it('have the same tables', () => {
    const inDatabase = [...new Set(columns.map((c) => c.table_name))].sort();
    expect(inDatabase).toEqual(tables.map((t) => t.table).sort());
  });

  it('have the same columns in each table', () => {
    for (const table of tables) {
      const inDatabase = columns.filter((c) => c.table_name === table.table).map((c) => c.column_name).sort();
      expect({ table: table.table, columns: inDatabase }).toEqual({ table: table.table, columns: table.columns.map((c) => c.column).sort() });
    }
  });

  it('give each column the type, nullability and default of its field', () => {
    for (const table of tables) {
      for (const field of table.columns) {
        const column = columns.find((c) => c.table_name === table.table && c.column_name === field.column)!;
        const expectedType = field.list ? `_${POSTGRES_TYPES[field.type]}` : POSTGRES_TYPES[field.type];
        expect({ at: `${table.table}.${field.column}`, type: column.udt_name }).toEqual({ at: `${table.table}.${field.column}`, type: expectedType });
        if (!field.list) {
          expect({ at: `${table.table}.${field.column}`, nullable: column.is_nullable === 'YES' }).toEqual({
            at: `${table.table}.${field.column}`,
            nullable: field.optional,
          });
        }
        expect({ at: `${table.table}.${field.column}`, hasDefault: column.column_default !== null }).toEqual({
          at: `${table.table}.${field.column}`,
          hasDefault: field.hasDefault,
        });
      }
    }
  });

  it('have the primary keys, unique constraints and indexes of the schema', () => {
    const isKind = (i: IndexRow, kind: 'primary' | 'unique' | 'index'): boolean => {
      if (kind === 'primary') return i.primary;
      if (kind === 'unique') return i.unique && !i.primary;
      return !i.unique;
    };
    const has = (table: string, cols: string[], kind: 'primary' | 'unique' | 'index'): boolean =>
      indexes.some((i) => i.table_name === table && i.columns.join(',') === cols.join(',') && isKind(i, kind));
    for (const table of tables) {
      expect({ table: table.table, primaryKey: has(table.table, table.primaryKey, 'primary') }).toEqual({ table: table.table, primaryKey: true });
      for (const unique of table.uniques) expect({ table: table.table, unique, found: has(table.table, unique, 'unique') }).toEqual({ table: table.table, unique, found: true });
      for (const index of table.indexes) expect({ table: table.table, index, found: has(table.table, index, 'index') }).toEqual({ table: table.table, index, found: true });
    }
  });

  it('record every migration in _prisma_migrations', async () => {
    const applied = await sql.query<{ migration_name: string; finished: boolean }>(
      'SELECT migration_name, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY migration_name',
    );
    const { readdirSync } = await import('node:fs');
    const folders = readdirSync(path.join(process.cwd(), 'prisma', 'migrations'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(applied.rows.map((r) => r.migration_name)).toEqual(folders);
    expect(applied.rows.every((r) => r.finished)).toBe(true);
  });
});
