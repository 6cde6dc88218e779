import { Client } from 'pg';

/** The table of applied migrations (MikroORM's); restored by running the migrations, not copied. */
export const MIGRATIONS_TABLE = 'mikro_orm_migrations';

/** Quotes an identifier for SQL. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A client for one backup or restore: no statement timeouts, settings that make COPY text portable. */
export async function connect(url: string, applicationName: string): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: applicationName });
  // A connection lost while idle would otherwise be an unhandled 'error' event; the next query fails instead.
  client.on('error', () => undefined);
  await client.connect();
  // Text output that reads back the same on any server: ISO dates in UTC, exact floats.
  await client.query(`set statement_timeout = 0; set idle_in_transaction_session_timeout = 0;
    set datestyle = 'ISO, YMD'; set timezone = 'UTC'; set intervalstyle = 'postgres';
    set extra_float_digits = 3; set bytea_output = 'hex'; set client_encoding = 'UTF8'`);
  return client;
}

export interface TableInfo {
  oid: number;
  name: string;
  /** Stored columns in attribute order; generated columns are left out (PostgreSQL computes them). */
  columns: string[];
}

/**
 * The ordinary tables of the current schema, without the migrations table and without UNLOGGED
 * tables: those are caches (the paging memo, ADR 0019) whose rows name transactions of this cluster.
 */
export async function listTables(client: Client): Promise<TableInfo[]> {
  const { rows } = await client.query<{ oid: number; name: string; columns: string[] }>(
    `select c.oid::int as oid, c.relname as name,
       array(select a.attname::text from pg_attribute a
             where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
             order by a.attnum) as columns
     from pg_class c
     where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
       and c.relpersistence <> 'u'
       and c.relname <> $1
     order by c.relname`,
    [MIGRATIONS_TABLE],
  );
  return rows;
}

/**
 * The tables in an order that satisfies their foreign keys: each after those it references (a
 * table referencing itself loads in one COPY, whose checks run at its end). Ties go by name.
 */
export async function loadOrder(client: Client, tables: TableInfo[]): Promise<TableInfo[]> {
  const { rows } = await client.query<{ from: number; to: number }>(
    `select conrelid::int as "from", confrelid::int as "to" from pg_constraint
     where contype = 'f' and connamespace = current_schema()::regnamespace`,
  );
  const byOid = new Map(tables.map((t) => [t.oid, t]));
  const needs = new Map<number, Set<number>>(tables.map((t) => [t.oid, new Set<number>()]));
  for (const r of rows) {
    if (r.from !== r.to && byOid.has(r.from) && byOid.has(r.to)) needs.get(r.from)!.add(r.to);
  }
  const order: TableInfo[] = [];
  const done = new Set<number>();
  while (order.length < tables.length) {
    const ready = tables.find((t) => !done.has(t.oid) && [...needs.get(t.oid)!].every((d) => done.has(d)));
    if (!ready) throw new Error('the tables reference each other in a cycle: no load order exists');
    order.push(ready);
    done.add(ready.oid);
  }
  return order;
}

/** The sequences feeding a table's columns (identity or serial), by column. */
export async function tableSequences(
  client: Client,
  table: string,
): Promise<Array<{ column: string; sequence: string }>> {
  const { rows } = await client.query<{ column: string; sequence: string }>(
    `select a.attname as column, pg_get_serial_sequence($1, a.attname) as sequence
     from pg_attribute a where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped
       and pg_get_serial_sequence($1, a.attname) is not null
     order by a.attnum`,
    [ident(table)],
  );
  return rows;
}

/** Migrations applied to the database, in order (none when the table does not exist). */
export async function appliedMigrations(client: Client): Promise<string[]> {
  const { rows: exists } = await client.query<{ t: string | null }>(`select to_regclass($1)::text as t`, [
    ident(MIGRATIONS_TABLE),
  ]);
  if (!exists[0]?.t) return [];
  const { rows } = await client.query<{ name: string }>(
    `select name from ${ident(MIGRATIONS_TABLE)} order by id`,
  );
  return rows.map((r) => r.name);
}

/** Where a connection URL points, without its credentials (for messages). */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return '(the database)';
  }
}
