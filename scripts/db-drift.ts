// npm run db:drift — fails (exit 2) when prisma/schema.prisma and prisma/migrations disagree.
// It builds one database from the migrations and one from the schema, then compares their catalogs:
// tables, columns (type, nullability, default), indexes, primary/unique/foreign keys and enums.
// CHECK constraints are left out: Prisma cannot express them, they live only in the migrations.
// (Prisma's own `migrate diff --from-migrations` panics in its WASM engine on a database with CHECKs.)
import 'dotenv/config';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/platform/db/embedded-postgres.js';
import { migrate } from '../src/platform/db/migrate.js';
import { schemaToSql } from './lib/prisma-cli.js';

const CATALOG_QUERIES: Record<string, string> = {
  column: `SELECT table_name || '.' || column_name || ' ' || udt_name || COALESCE('(' || character_maximum_length || ')', '')
             || CASE WHEN is_nullable = 'NO' THEN ' NOT NULL' ELSE '' END || COALESCE(' DEFAULT ' || column_default, '') AS item
           FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
  index: `SELECT indexdef AS item FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`,
  constraint: `SELECT c.conrelid::regclass::text || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid) AS item
               FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
               WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f') AND c.conrelid::regclass::text <> '_prisma_migrations'`,
  enum: `SELECT t.typname || ': ' || string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder) AS item
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE n.nspname = 'public' GROUP BY t.typname`,
};

async function catalog(url: string): Promise<Map<string, Set<string>>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const out = new Map<string, Set<string>>();
    for (const [kind, sql] of Object.entries(CATALOG_QUERIES)) {
      const { rows } = await c.query<{ item: string }>(sql);
      out.set(kind, new Set(rows.map((r) => r.item)));
    }
    return out;
  } finally {
    await c.end();
  }
}

async function admin(url: string, sql: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

function withDb(url: string, db: string) {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

let code = 0;
let tmp: string | undefined;
let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
try {
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    adminUrl = withDb(process.env.DATABASE_URL, 'postgres');
  } else {
    tmp = await mkdtemp(join(tmpdir(), 'ledgerline-drift-'));
    embedded = await startEmbeddedPostgres({ dataDir: join(tmp, 'pg'), durable: false });
    adminUrl = embedded.adminUrl;
  }
  const suffix = randomBytes(4).toString('hex');
  const fromMigrations = `drift_m_${suffix}`;
  const fromSchema = `drift_s_${suffix}`;
  await admin(adminUrl, `CREATE DATABASE ${fromMigrations}`);
  await admin(adminUrl, `CREATE DATABASE ${fromSchema}`);
  try {
    await migrate(withDb(adminUrl, fromMigrations));
    await admin(withDb(adminUrl, fromSchema), schemaToSql(adminUrl));
    const [m, s] = await Promise.all([catalog(withDb(adminUrl, fromMigrations)), catalog(withDb(adminUrl, fromSchema))]);
    const problems: string[] = [];
    for (const kind of Object.keys(CATALOG_QUERIES)) {
      const a = m.get(kind)!;
      const b = s.get(kind)!;
      for (const item of b) if (!a.has(item)) problems.push(`  schema.prisma has, migrations lack: ${kind} ${item}`);
      for (const item of a) if (!b.has(item)) problems.push(`  migrations have, schema.prisma lacks: ${kind} ${item}`);
    }
    if (problems.length) {
      console.error(
        `Drift between prisma/schema.prisma and prisma/migrations:\n${problems.join('\n')}\nCreate a migration with: npm run db:migration:new -- <name>`,
      );
      code = 2;
    } else {
      console.log('No drift: prisma/schema.prisma matches prisma/migrations.');
    }
  } finally {
    await admin(adminUrl, `DROP DATABASE IF EXISTS ${fromMigrations} WITH (FORCE)`);
    await admin(adminUrl, `DROP DATABASE IF EXISTS ${fromSchema} WITH (FORCE)`);
  }
} catch (err) {
  console.error(`Drift check failed to run: ${(err as Error).message}`);
  code = 1;
} finally {
  await embedded?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
}
process.exit(code);
