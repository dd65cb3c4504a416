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

/** Runs `sql` (or the statement it builds on the connection) as the server's admin, on a connection of its own. */
async function adminQuery(sql: string | ((c: pg.Client) => Promise<string>)) {
  const c = new pg.Client({ connectionString: adminUrl });
  c.on('error', () => undefined);
  await c.connect();
  try {
    if (typeof sql !== 'string') sql = await sql(c);
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

/**
 * How the template is cloned. PostgreSQL 15+ copies it block by block through the write-ahead log by default
 * (WAL_LOG): about 10 MB of log and shared buffers per clone, most of the template being the system catalogs.
 * FILE_COPY copies its files and checkpoints before and after, which costs little when nothing is fsynced (the
 * embedded server `npm test` and CI start, global-setup.ts) and saved 0.12-0.19 s of the server's CPU per test
 * file there (20 small files, three pairs in turn: 3.9-7.8 s vs 7.7-10.3 s, December 2026). Against a server
 * that fsyncs, those checkpoints wait for the disk, so it keeps the default there (before 15, FILE_COPY anyway).
 */
async function cloneStatement(c: pg.Client): Promise<string> {
  const { rows } = await c.query<{ fileCopy: boolean }>(
    `SELECT current_setting('server_version_num')::int >= 150000 AND current_setting('fsync') = 'off' AS "fileCopy"`,
  );
  return `CREATE DATABASE ${database} TEMPLATE ${template}${rows[0]?.fileCopy ? ' STRATEGY FILE_COPY' : ''}`;
}

await adminQuery(cloneStatement);
const u = new URL(adminUrl);
u.pathname = `/${database}`;
process.env.TEST_DATABASE_URL = u.toString();

afterAll(async () => {
  const { closeTestDb } = await import('./helpers/db.js');
  await closeTestDb();
  await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
});
