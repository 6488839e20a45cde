import { readFileSync } from 'node:fs';

export type SchemaColumn = { field: string; column: string; type: string; list: boolean; optional: boolean; hasDefault: boolean };
export type SchemaTable = {
  model: string;
  table: string;
  columns: SchemaColumn[];
  primaryKey: string[];
  uniques: string[][];
  indexes: string[][];
};

const SCALARS = new Set(['String', 'Int', 'BigInt', 'Float', 'Boolean', 'DateTime', 'Json', 'Bytes', 'Decimal']);

/**
 * Reads the models of a Prisma schema: table and column names (after @map and @@map), scalar
 * types, optional and list markers, defaults, keys and indexes. It covers the attributes this
 * project's schema uses; relation fields are skipped because they have no column.
 */
export function readPrismaSchema(file: string): SchemaTable[] {
  const text = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '');
  const tables: SchemaTable[] = [];
  for (const match of text.matchAll(/model\s+(\w+)\s*\{([\s\S]*?)\n\}/g)) {
    const [, model, body] = match;
    const table: SchemaTable = { model, table: model, columns: [], primaryKey: [], uniques: [], indexes: [] };
    const fieldToColumn = new Map<string, string>();
    const blockAttributes: string[] = [];
    for (const raw of body.split('\n')) {
      const line = raw.trim();
      if (!line) continue;
      if (line.startsWith('@@')) {
        blockAttributes.push(line);
        continue;
      }
      const field = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
      if (!field) continue;
      const [, name, type, list, optional, attributes] = field;
      if (!SCALARS.has(type)) continue;
      const column = /@map\("([^"]+)"\)/.exec(attributes)?.[1] ?? name;
      fieldToColumn.set(name, column);
      table.columns.push({ field: name, column, type, list: Boolean(list), optional: Boolean(optional), hasDefault: attributes.includes('@default(') });
      if (/@id\b/.test(attributes)) table.primaryKey = [column];
      if (/@unique\b/.test(attributes)) table.uniques.push([column]);
    }
    const columnsOf = (list: string): string[] => list.split(',').map((f) => fieldToColumn.get(f.trim()) ?? f.trim());
    for (const attribute of blockAttributes) {
      const map = /^@@map\("([^"]+)"\)/.exec(attribute);
      if (map) table.table = map[1];
      const fields = /\(\[([^\]]+)\]/.exec(attribute)?.[1];
      if (!fields) continue;
      if (attribute.startsWith('@@id')) table.primaryKey = columnsOf(fields);
      if (attribute.startsWith('@@unique')) table.uniques.push(columnsOf(fields));
      if (attribute.startsWith('@@index')) table.indexes.push(columnsOf(fields));
    }
    tables.push(table);
  }
  return tables;
}

/** The PostgreSQL type (information_schema udt_name) Prisma gives each scalar on PostgreSQL. */
export const POSTGRES_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'int4',
  BigInt: 'int8',
  Float: 'float8',
  Boolean: 'bool',
  DateTime: 'timestamptz',
  Json: 'jsonb',
  Bytes: 'bytea',
  Decimal: 'numeric',
};
