// The migration runner's two answers to big tables (docs/decisions/migrations.md, "Big tables"): an index a
// migration names on a `-- before deploy:` line is built CONCURRENTLY before the migration's transaction (an
// invalid leftover of a failed build is rebuilt, not taken for done), and a migration refused a lock by its
// lock_timeout is rolled back and tried again. Each runs the real runner on this file's database, with a
// migrations folder of its own.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/platform/db/migrate.js';
import { testDatabaseUrl } from '../helpers/db.js';

let client: pg.Client;
const dirs: string[] = [];

beforeAll(async () => {
  client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
});
afterAll(async () => {
  await client.end();
});
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function migrationsDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'll-migrate-'));
  dirs.push(dir);
  for (const [name, sql] of Object.entries(files)) {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

async function indexValid(name: string): Promise<boolean | undefined> {
  const { rows } = await client.query<{ valid: boolean }>(
    'SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1',
    [name],
  );
  return rows[0]?.valid;
}

describe('migration runner', () => {
  it('builds a "before deploy" index concurrently, rebuilding an invalid leftover of a failed build', async () => {
    await client.query('CREATE TABLE mr_big (id int PRIMARY KEY, x int)');
    await client.query('INSERT INTO mr_big SELECT g, g % 7 FROM generate_series(1, 1000) g');
    // What a killed CREATE INDEX CONCURRENTLY leaves behind: the index exists, marked invalid (never used).
    await client.query('CREATE INDEX mr_big_x_idx ON mr_big (x)');
    await client.query(`UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'mr_big_x_idx'::regclass`);
    expect(await indexValid('mr_big_x_idx')).toBe(false);

    const dir = await migrationsDir({
      '20991231000001_mr_big_x': [
        "SET LOCAL lock_timeout = '5s';",
        '-- before deploy: CREATE INDEX CONCURRENTLY IF NOT EXISTS "mr_big_x_idx" ON "mr_big"("x");',
        'CREATE INDEX IF NOT EXISTS "mr_big_x_idx" ON "mr_big"("x");',
      ].join('\n'),
    });
    expect(await migrate(testDatabaseUrl(), { dir })).toEqual(['20991231000001_mr_big_x']);
    expect(await indexValid('mr_big_x_idx')).toBe(true);
    // Applied once: a second run has nothing to do.
    expect(await migrate(testDatabaseUrl(), { dir })).toEqual([]);
  });

  it('tries a migration again when its lock_timeout ran out behind a long transaction', async () => {
    await client.query('CREATE TABLE mr_locked (id int PRIMARY KEY)');
    // A transaction that reads the table and stays open (a long export, a session idle in transaction).
    const holder = new pg.Client({ connectionString: testDatabaseUrl() });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT count(*) FROM mr_locked');
      const dir = await migrationsDir({
        '20991231000002_mr_locked_y': "SET LOCAL lock_timeout = '50ms';\nALTER TABLE mr_locked ADD COLUMN y int;",
      });
      const refusals: string[] = [];
      const applied = await migrate(testDatabaseUrl(), {
        dir,
        retryDelayMs: () => 0,
        // The long transaction ends after the first refusal.
        onLockRetry: async (migration, attempt, err) => {
          refusals.push(`${migration} ${attempt} ${err.message}`);
          await holder.query('COMMIT');
        },
      });
      expect(applied).toEqual(['20991231000002_mr_locked_y']);
      expect(refusals).toEqual([expect.stringMatching(/^20991231000002_mr_locked_y 1 .*lock timeout/)]);
      const { rows } = await client.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'mr_locked'`);
      expect(rows.map((r) => r.column_name).sort()).toEqual(['id', 'y']);
    } finally {
      await holder.end();
    }
  });

  it('gives up after its tries, with the migration rolled back and not recorded', async () => {
    await client.query('CREATE TABLE mr_stuck (id int PRIMARY KEY)');
    const holder = new pg.Client({ connectionString: testDatabaseUrl() });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT count(*) FROM mr_stuck');
      const dir = await migrationsDir({
        '20991231000003_mr_stuck_y': "SET LOCAL lock_timeout = '20ms';\nALTER TABLE mr_stuck ADD COLUMN y int;",
      });
      let refusals = 0;
      await expect(
        migrate(testDatabaseUrl(), { dir, lockRetries: 2, retryDelayMs: () => 0, onLockRetry: () => void refusals++ }),
      ).rejects.toThrow(/Migration 20991231000003_mr_stuck_y failed: .*lock timeout/);
      expect(refusals).toBe(2);
      const recorded = await client.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '20991231000003_mr_stuck_y'`);
      expect(recorded.rowCount).toBe(0);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });
});
