// Runs in every test file's worker before its tests: clones the migrated template into a database of the
// file's own and exposes its URL as TEST_DATABASE_URL (test/helpers/db.ts reads it).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';

const { adminUrl, template, prefix } = inject('pg');
const database = `${prefix}_${randomBytes(5).toString('hex')}`;

async function adminQuery(sql: string) {
  const c = new pg.Client({ connectionString: adminUrl });
  c.on('error', () => undefined);
  await c.connect();
  try {
    // CREATE DATABASE ... TEMPLATE fails if another session is connected to the template at that moment
    // (another file's worker cloning it): try again, for as long as a busy machine may need.
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await c.query(sql);
        return;
      } catch (err) {
        if (Date.now() < deadline && /being accessed by other users/.test((err as Error).message)) {
          await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
          continue;
        }
        throw err;
      }
    }
  } finally {
    await c.end();
  }
}

await adminQuery(`CREATE DATABASE ${database} TEMPLATE ${template}`);
const u = new URL(adminUrl);
u.pathname = `/${database}`;
process.env.TEST_DATABASE_URL = u.toString();

afterAll(async () => {
  const { closeTestDb } = await import('./helpers/db.js');
  await closeTestDb();
  await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
});
