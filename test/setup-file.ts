// Runs in every test file's worker before its tests: clones the migrated template into a database of the
// file's own and exposes its URL as TEST_DATABASE_URL (test/helpers/db.ts reads it), and gives the admin panel
// the run's component bundle.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, inject } from 'vitest';

const { adminUrl, template, prefix } = inject('pg');

// AdminJS fixes the directory of the component bundle it serves (ADMIN_JS_TMP_DIR) when its module is first
// evaluated in a process, and a worker's process runs file after file (vitest.config.ts, isolate: false). So
// the directory is the worker's, named here before any file of it imports AdminJS, and holds the bundle the
// global set-up built from this checkout's components. (Named per file, it held only for a worker's first file:
// the others were served whatever bundle that directory had, one of an earlier run's components included.)
// Named by the run too, so a second test command at the same time has workers of its own.
const adminBundleDir = join(process.cwd(), 'test-output', `admin-bundle-${prefix}-worker-${process.env.VITEST_POOL_ID ?? process.pid}`);
process.env.ADMIN_JS_TMP_DIR = adminBundleDir;
const prebuiltBundle = inject('adminBundle');
if (prebuiltBundle) {
  mkdirSync(adminBundleDir, { recursive: true });
  copyFileSync(prebuiltBundle, join(adminBundleDir, 'bundle.js'));
}
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
          await new Promise((r) => setTimeout(r, 50 + Math.random() * 100)); // a jittered pause between tries
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
