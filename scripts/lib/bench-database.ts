// A scratch database for a benchmark: created on DATABASE_URL's server (dropped afterwards) when it is set,
// otherwise an embedded PostgreSQL in a temporary folder (durable, like the start command's).
//
// `keep` / `reuse` name a database that outlives the run (bench:scale --keep / --reuse): on DATABASE_URL's
// server it is that database; without DATABASE_URL it is an embedded PostgreSQL whose data folder is
// <tmpdir>/ledgerline-bench/<name> (not removed). `keep` refuses a name that already exists (no load over old
// data); `reuse` refuses one that does not. cleanup() then only disconnects / stops the server.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ensureDatabase, startEmbeddedPostgres } from '../../src/platform/db/embedded-postgres.js';

export interface BenchDatabase {
  url: string;
  /** Where the kept database lives, for messages. */
  where: string;
  /** Drops a throw-away database; a kept one is only let go (its embedded server stopped). */
  cleanup: () => Promise<void>;
  /** Drops the database even when it was to be kept (a --keep run whose load failed). */
  drop: () => Promise<void>;
}

export interface BenchDatabaseOptions {
  /** A new database of this name, kept after the run. */
  keep?: string;
  /** An existing database of this name (kept by an earlier run), used as it is. */
  reuse?: string;
}

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: adminUrl });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await c.end();
  }
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  c.on('error', () => undefined);
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

export async function benchDatabase(prefix: string, opts: BenchDatabaseOptions = {}): Promise<BenchDatabase> {
  if (opts.keep && opts.reuse)
    throw new Error('--keep and --reuse exclude each other: --keep loads a new database, --reuse measures a kept one');
  const kept = opts.keep ?? opts.reuse;
  if (kept !== undefined && !NAME.test(kept)) {
    throw new Error(`"${kept}" is not a database name this script accepts (lowercase letters, digits and underscores, 63 at most)`);
  }
  const name = kept ?? `${prefix}_${randomBytes(4).toString('hex')}`;
  if (process.env.DATABASE_URL) {
    const admin = new URL(process.env.DATABASE_URL);
    admin.pathname = '/postgres';
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    const where = `database ${name} on ${url.host}`;
    const exists = await databaseExists(admin.toString(), name);
    if (opts.keep && exists) {
      throw new Error(`${where} already exists: measure it with --reuse ${name}, or drop it (DROP DATABASE ${name}) to load it again`);
    }
    if (opts.reuse && !exists) throw new Error(`${where} does not exist: load one first with --keep ${name}`);
    if (!opts.reuse) await ensureDatabase(admin.toString(), name);
    const drop = () => dropDatabase(admin.toString(), name);
    return { url: url.toString(), where, cleanup: kept ? async () => undefined : drop, drop };
  }
  if (kept) {
    const dir = join(tmpdir(), 'ledgerline-bench', name);
    const where = `embedded PostgreSQL in ${dir}`;
    const exists = existsSync(join(dir, 'data', 'PG_VERSION'));
    if (opts.keep && exists)
      throw new Error(`${where} already exists: measure it with --reuse ${name}, or delete the folder to load it again`);
    if (opts.reuse && !exists) throw new Error(`${where} does not exist: load one first with --keep ${name}`);
    const handle = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), database: name });
    return {
      url: handle.url,
      where,
      cleanup: () => handle.stop(),
      drop: async () => {
        await handle.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  const handle = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), database: name });
  const drop = async () => {
    await handle.stop();
    await rm(dir, { recursive: true, force: true });
  };
  return { url: handle.url, where: `embedded PostgreSQL in ${dir}`, cleanup: drop, drop };
}
