// Runs once per `vitest run`: finds a PostgreSQL server (DATABASE_URL's, or an embedded one started here),
// builds a template database with every migration applied, and hands its coordinates to the test files.
// Meanwhile it bundles the admin panel's components once (a child process: AdminJS reads its bundle directory
// when first imported), which each test app that serves the panel copies instead of building its own.
// Each test file then clones the template into its own database (see setup-file.ts), so files run in
// parallel without seeing each other's rows.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../src/platform/db/embedded-postgres.js';
import { migrate } from '../src/platform/db/migrate.js';
import { migrateJobQueue } from '../src/platform/jobs/worker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pg: { adminUrl: string; template: string; prefix: string };
    /** The admin components' bundle.js built for this run, or '' when its build failed (each app then builds its own). */
    adminBundle: string;
  }
}

let embedded: EmbeddedPostgresHandle | undefined;
let dataDir: string | undefined;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Where the run's one admin component bundle is built (test-output/ is git-ignored): the run's own directory
 * (`prefix` is unique per run), so two test commands at once never replace each other's bundle mid-copy.
 */
const adminBundleDirOf = (prefix: string) => join(process.cwd(), 'test-output', `admin-bundle-${prefix}`);

async function bundleAdminComponents(prefix: string): Promise<string> {
  const ADMIN_BUNDLE_DIR = adminBundleDirOf(prefix);
  try {
    await rm(ADMIN_BUNDLE_DIR, { recursive: true, force: true });
    // NODE_ENV as the test apps run (not minified): the bundle they would have built themselves.
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/admin-components-bundle.ts', ADMIN_BUNDLE_DIR], {
      env: { ...process.env, NODE_ENV: 'test' },
      timeout: 300_000,
    });
    return join(ADMIN_BUNDLE_DIR, 'bundle.js');
  } catch (err) {
    console.warn(`global set-up: the admin components were not bundled; each test app builds its own (${String(err).slice(0, 300)})`);
    return '';
  }
}

export async function setup(project: TestProject) {
  const prefix = `lltest_${process.pid}_${Date.now().toString(36)}`;
  const adminBundle = bundleAdminComponents(prefix);
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    adminUrl = withDatabase(process.env.DATABASE_URL, 'postgres');
  } else {
    dataDir = await mkdtemp(join(tmpdir(), 'ledgerline-test-pg-'));
    embedded = await startEmbeddedPostgres({ dataDir: join(dataDir, 'pg'), durable: false });
    adminUrl = embedded.adminUrl;
  }
  const template = `${prefix}_tpl`;
  const admin = new pg.Client({ connectionString: adminUrl });
  admin.on('error', () => undefined);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  const templateUrl = withDatabase(adminUrl, template);
  await migrate(templateUrl);
  await migrateJobQueue(templateUrl);
  project.provide('pg', { adminUrl, template, prefix });
  project.provide('adminBundle', await adminBundle);

  return async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    c.on('error', () => undefined);
    try {
      await c.connect();
      const { rows } = await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${prefix}%`]);
      for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
      await c.end();
    } catch {
      // best effort: an embedded server is thrown away below anyway
    }
    // The run's bundle and its workers' copies (setup-file.ts): named by the run's prefix.
    const outputs = await readdir(join(process.cwd(), 'test-output')).catch(() => [] as string[]);
    for (const name of outputs.filter((n) => n.startsWith(`admin-bundle-${prefix}`))) {
      await rm(join(process.cwd(), 'test-output', name), { recursive: true, force: true });
    }
    if (embedded) await embedded.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
}
