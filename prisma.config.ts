// Prisma CLI configuration. The CLI runs offline with the JS (WASM) schema engine over @prisma/adapter-pg,
// so no native engine is downloaded. See docs/decisions/migrations.md.
import 'dotenv/config';
import pg from 'pg';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
import { parse as parseConnectionString } from 'pg-connection-string';

// The schema engine reads catalog columns whose types adapter-pg cannot decode ("char", name, regclass...).
// In this CLI process only, report them to the adapter as text: pg already parses them as strings.
const CATALOG_OIDS_AS_TEXT = new Set([18, 19, 24, 28, 194, 1002, 1003, 2205, 2206, 3220]);
const TEXT_OID = 25;
const TEXT_ARRAY_OID = 1009;
function reportCatalogTypesAsText(res: pg.QueryResult | undefined) {
  for (const field of res?.fields ?? []) {
    if (CATALOG_OIDS_AS_TEXT.has(field.dataTypeID)) {
      field.dataTypeID = field.dataTypeID === 1002 || field.dataTypeID === 1003 ? TEXT_ARRAY_OID : TEXT_OID;
    }
  }
  return res;
}
const originalQuery = pg.Client.prototype.query as (...a: unknown[]) => unknown;
pg.Client.prototype.query = function patchedQuery(this: pg.Client, ...args: unknown[]) {
  // pg.Pool#query passes a callback; adapter-pg's transactions await a promise. Cover both.
  const last = args[args.length - 1];
  if (typeof last === 'function') {
    args[args.length - 1] = (err: unknown, res: pg.QueryResult) =>
      (last as (e: unknown, r: unknown) => void)(err, reportCatalogTypesAsText(res));
    return originalQuery.apply(this, args);
  }
  const result = originalQuery.apply(this, args);
  return result instanceof Promise ? result.then(reportCatalogTypesAsText) : result;
} as typeof pg.Client.prototype.query;

// `prisma migrate deploy` cannot apply our migrations: the runner (src/platform/db/migrate.ts) builds the indexes
// named on `-- before deploy:` lines outside the migration's transaction, retries a migration refused a lock, and
// takes the advisory lock every start waits on. Run by hand it half-applies such a migration, and every start then
// fails until it is marked by hand (docs/decisions/migrations.md). Refused here, before the CLI touches anything.
const cliArgs = process.argv.slice(2);
if (cliArgs.includes('migrate') && cliArgs.includes('deploy')) {
  console.error('Ledgerline: `prisma migrate deploy` cannot apply these migrations. Run `npm run db:migrate` instead.');
  process.exit(1);
}

// The schema's `url = env("DATABASE_URL")` must resolve whenever the CLI runs, or it falls back to
// downloading a native query engine (unreachable here). `generate` needs no database, so a placeholder works.
process.env.DATABASE_URL ||= 'postgresql://placeholder@127.0.0.1:1/placeholder';
const databaseUrl = process.env.DATABASE_URL;

// PrismaPg's own shadow database (migrate dev, diff --from-migrations) is a temporary database created next
// to the main one; it only works when the pool config has discrete fields, because a connectionString
// would override the temporary database's name.
function poolConfig(url: string): pg.PoolConfig {
  const parsed = parseConnectionString(url);
  return {
    host: parsed.host ?? undefined,
    port: parsed.port ? Number(parsed.port) : undefined,
    user: parsed.user ?? undefined,
    password: parsed.password ?? undefined,
    database: parsed.database ?? undefined,
    // pg-pool's 10 s idle timer would otherwise keep every CLI call alive for 10 s after its work is done.
    allowExitOnIdle: true,
  };
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  adapter: async () => new PrismaPg(poolConfig(databaseUrl)),
});
