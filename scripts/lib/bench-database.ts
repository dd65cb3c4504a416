// A scratch database for a benchmark: created on DATABASE_URL's server (dropped afterwards) when it is set,
// otherwise an embedded PostgreSQL in a temporary folder (durable, like the start command's).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ensureDatabase, startEmbeddedPostgres } from '../../src/platform/db/embedded-postgres.js';

export async function benchDatabase(prefix: string): Promise<{ url: string; cleanup: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  if (process.env.DATABASE_URL) {
    const admin = new URL(process.env.DATABASE_URL);
    admin.pathname = '/postgres';
    await ensureDatabase(admin.toString(), name);
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      cleanup: async () => {
        const c = new pg.Client({ connectionString: admin.toString() });
        c.on('error', () => undefined);
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  const handle = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), database: name });
  return {
    url: handle.url,
    cleanup: async () => {
      await handle.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
