// Several instances started at once against a database never migrated (a first deploy of docker-compose's three
// instances): each runs the start command's migrations (start.ts: migrate, then migrateJobQueue) at the same time,
// and every one of them must start, with each migration applied once. (Those waiting for the migration lock blocked
// inside pg_advisory_lock, holding a snapshot the lock holder's CREATE INDEX CONCURRENTLY waited on: "deadlock
// detected", and all but the last instance failed to start.)
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../../src/platform/db/migrate.js';
import { migrateJobQueue } from '../../src/platform/jobs/worker.js';

const { adminUrl, prefix } = inject('pg');
const created: string[] = [];

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function emptyDatabase(): Promise<string> {
  const name = `${prefix}_empty_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE "${name}"`);
  created.push(name);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

afterAll(async () => {
  for (const name of created) await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
});

describe('migrations at start on several instances at once', () => {
  it("the job queue's schema, installed by several instances at once on an empty database", async () => {
    const url = await emptyDatabase();
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => migrateJobQueue(url)));
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
  });

  it('the whole start sequence, on three instances at once', async () => {
    const url = await emptyDatabase();
    const startMigrations = async () => {
      await migrate(url);
      await migrateJobQueue(url);
    };
    const results = await Promise.allSettled([1, 2, 3].map(startMigrations));
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const { rows } = await c.query<{ n: string; d: string }>(
        'SELECT count(*) AS n, count(DISTINCT migration_name) AS d FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
      );
      expect(rows[0]!.n).toBe(rows[0]!.d);
      // The `-- before deploy:` indexes built CONCURRENTLY: none left INVALID by a build cut short.
      const invalid = await c.query<{ name: string }>(
        'SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid',
      );
      expect(invalid.rows).toEqual([]);
    } finally {
      await c.end();
    }
  });
});
