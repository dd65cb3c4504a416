// Applies prisma/migrations/*/migration.sql in order, recording each in `_prisma_migrations` as `prisma migrate
// deploy` does (checksum = SHA-256 hex of the raw file). It is the only runner for these migrations: the Prisma
// CLI cuts plpgsql bodies at their semicolons and runs a file's statements one by one (docs/decisions/migrations.md).
// Used by the start command, `npm run db:migrate` and the test harness: it needs no Prisma CLI process.
// Each migration runs in one transaction. Before it, the indexes its `-- before deploy:` lines name are built
// CONCURRENTLY outside it (migration-prebuilds.ts); a migration refused a lock by its own `SET LOCAL
// lock_timeout` (queued behind a long transaction) is rolled back and tried again after a pause.
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { type Prebuild, prebuildsOf } from './migration-prebuilds.js';

export const MIGRATIONS_DIR = join(import.meta.dirname, '../../../prisma/migrations');

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export async function listMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrateOptions {
  dir?: string;
  /** Further tries of a migration refused a lock by its lock_timeout (SQLSTATE 55P03). */
  lockRetries?: number;
  /** The pause before try `attempt` (1-based) after a lock refusal. */
  retryDelayMs?: (attempt: number) => number;
  /** Told of each lock refusal before the pause (the start command logs it). */
  onLockRetry?: (migration: string, attempt: number, err: Error) => void | Promise<void>;
}

const LOCK_NOT_AVAILABLE = '55P03';
/** A minute in all for the long transaction ahead of the migration to end. */
const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 15_000, 30_000];

/** The advisory lock one migrating process holds at a time. */
const MIGRATION_LOCK = 72707369;
/** How often a process waiting for another's migrations tries the lock again. */
const MIGRATION_LOCK_POLL_MS = 200;

/**
 * Takes the migration lock, waiting with one short try after another rather than inside pg_advisory_lock: a session
 * blocked in that statement holds a snapshot, and CREATE INDEX CONCURRENTLY (a `-- before deploy:` index, built by
 * the process holding the lock) waits for every older snapshot to end. Instances started at once waited on each other,
 * and all but the last failed to start with "deadlock detected".
 */
async function takeMigrationLock(client: pg.Client): Promise<void> {
  for (;;) {
    const { rows } = await client.query<{ won: boolean }>('SELECT pg_try_advisory_lock($1) AS won', [MIGRATION_LOCK]);
    if (rows[0]?.won) return;
    await new Promise((resolve) => setTimeout(resolve, MIGRATION_LOCK_POLL_MS));
  }
}

/** Applies pending migrations, each in its own transaction, under an advisory lock. Returns the names applied. */
export async function migrate(databaseUrl: string, dirOrOptions: string | MigrateOptions = {}): Promise<string[]> {
  const options = typeof dirOrOptions === 'string' ? { dir: dirOrOptions } : dirOrOptions;
  const dir = options.dir ?? MIGRATIONS_DIR;
  const lockRetries = options.lockRetries ?? 6;
  const retryDelay = options.retryDelayMs ?? ((attempt: number) => RETRY_DELAYS_MS[attempt - 1] ?? 30_000);
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => undefined);
  await client.connect();
  const applied: string[] = [];
  try {
    await takeMigrationLock(client);
    await client.query(CREATE_TABLE);
    const { rows } = await client.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
    }>('SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"');
    const done = new Map(rows.filter((r) => r.rolled_back_at === null).map((r) => [r.migration_name, r]));
    for (const m of await listMigrations(dir)) {
      const prior = done.get(m.name);
      if (prior) {
        if (!prior.finished_at)
          throw new Error(`Migration ${m.name} failed earlier and must be resolved by hand (see docs/decisions/migrations.md).`);
        if (prior.checksum !== m.checksum) throw new Error(`Migration ${m.name} was edited after it was applied (checksum differs).`);
        continue;
      }
      for (const prebuild of prebuildsOf(m.sql)) await buildConcurrently(client, m.name, prebuild);
      for (let attempt = 1; ; attempt++) {
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query(
            'INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)',
            [randomUUID(), m.checksum, m.name],
          );
          await client.query('COMMIT');
          applied.push(m.name);
          break;
        } catch (err) {
          await client.query('ROLLBACK');
          if ((err as { code?: string }).code === LOCK_NOT_AVAILABLE && attempt <= lockRetries) {
            await options.onLockRetry?.(m.name, attempt, err as Error);
            await new Promise((resolve) => setTimeout(resolve, retryDelay(attempt)));
            continue;
          }
          throw new Error(`Migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
        }
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
  return applied;
}

/**
 * The migrations of `dir` that `databaseUrl` has not applied (every one on a database never migrated), without
 * changing anything: a command that needs the current schema refuses with this list instead of failing on a
 * missing table or column.
 */
export async function pendingMigrations(databaseUrl: string, dir = MIGRATIONS_DIR): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client
      .query<{ name: string }>(
        `SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      )
      .catch((err: { code?: string }) => {
        if (err.code === '42P01') return { rows: [] }; // undefined_table: never migrated
        throw err;
      });
    const done = new Set(rows.map((r) => r.name));
    return (await listMigrations(dir)).map((m) => m.name).filter((name) => !done.has(name));
  } finally {
    await client.end();
  }
}

/**
 * Builds one `-- before deploy:` index outside any transaction, so writes to its table go on meanwhile. A build
 * that failed earlier (killed, or a duplicate for a UNIQUE one) leaves an INVALID index that IF NOT EXISTS would
 * take for done: it is dropped first, also without blocking writes.
 */
async function buildConcurrently(client: pg.Client, migration: string, prebuild: Prebuild): Promise<void> {
  try {
    const { rows } = await client.query<{ valid: boolean }>(
      `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace`,
      [prebuild.name],
    );
    if (rows[0] && !rows[0].valid) await client.query(`DROP INDEX CONCURRENTLY IF EXISTS "${prebuild.name}"`);
    await client.query(prebuild.statement);
  } catch (err) {
    throw new Error(`Migration ${migration} failed building index ${prebuild.name} beforehand: ${(err as Error).message}`, { cause: err });
  }
}
