// An operator command beside `npm start` uses the embedded database the service runs (runningEmbeddedPostgres),
// found from the folder's pid files. Files left by a crash can name pids reused since and a port another server
// took: the command must not connect there (with the embedded database's fixed password, it could reset admins in
// someone else's database): while their owner lives it waits for the server to be ready and then refuses, never
// connecting there. An owner whose database is still starting is waited for (a command run in those seconds was
// refused). The running case is proven end to end in demo-login-first-start.test.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningEmbeddedPostgres } from '../../src/platform/db/embedded-postgres.js';
import pg from 'pg';
import { testDatabaseUrl } from '../helpers/db.js';
import { waitFor } from '../helpers/wait-for.js';

describe('finding the embedded database a running Ledgerline holds', () => {
  let dir: string;
  let dataDir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'll-attach-'));
    await chmod(dir, 0o755);
    dataDir = join(dir, 'pg');
    await mkdir(dataDir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** The owner file names a live process (this test's parent); postmaster.pid names a live pid (this process). */
  const pidFiles = async (postmasterDir: string, port: number, status: string) => {
    await writeFile(`${dataDir}.owner`, `${process.ppid}\n`);
    await writeFile(join(dataDir, 'postmaster.pid'), [process.pid, postmasterDir, 0, port, '', '127.0.0.1', 0, status].join('\n') + '\n');
  };
  // A real PostgreSQL answers on this port, serving another data directory (the shared test server).
  const otherServerPort = Number(new URL(testDatabaseUrl()).port || 5432);

  it('none when no live process owns the folder', async () => {
    await rm(`${dataDir}.owner`, { force: true });
    expect(await runningEmbeddedPostgres({ dataDir })).toBeUndefined();
  });

  const notReady = /has not got its embedded database .* ready after 1 s/;

  it('never a server when the pid file names another folder, or a server not ready, though both pids are alive', async () => {
    await pidFiles('/somewhere/else', otherServerPort, 'ready');
    await expect(runningEmbeddedPostgres({ dataDir, waitMs: 1000 })).rejects.toThrow(notReady);
    await pidFiles(dataDir, otherServerPort, 'starting');
    await expect(runningEmbeddedPostgres({ dataDir, waitMs: 1000 })).rejects.toThrow(notReady);
  });

  it('never a server of another folder on the port (the port was taken since)', async () => {
    await pidFiles(dataDir, otherServerPort, 'ready');
    await expect(runningEmbeddedPostgres({ dataDir, waitMs: 1000 })).rejects.toThrow(notReady);
  });
});

// A command run while `npm start` is still starting its embedded database (initdb on a first start takes seconds):
// it waits and then uses it. Here another process starts a real embedded PostgreSQL on a fresh folder, and the
// lookup begins as soon as that process owns the folder, long before initdb is done.
describe('an embedded database that is still starting', { timeout: 200_000 }, () => {
  let dir: string;
  let starter: ChildProcess | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'll-attach-starting-'));
    await chmod(dir, 0o755); // as root, the embedded PostgreSQL runs as the postgres user, who must enter it
  });
  afterAll(async () => {
    starter?.kill('SIGTERM'); // it stops its PostgreSQL on SIGTERM
    await new Promise((r) => (starter?.exitCode === null ? starter.once('exit', r) : r(undefined)));
    await rm(dir, { recursive: true, force: true });
  });

  it('is waited for, then used', async () => {
    const dataDir = join(dir, 'pg');
    const script = `
      import { startEmbeddedPostgres } from './src/platform/db/embedded-postgres.js';
      const pg = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, durable: false });
      process.on('SIGTERM', () => pg.stop().then(() => process.exit(0)));
      setInterval(() => undefined, 60_000);`;
    starter = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'ignore' });
    // Its pid in the owner file: the folder is taken, its server not up yet (initdb comes next).
    await waitFor(
      'the starter to own the folder',
      async () => (await readFile(`${dataDir}.owner`, 'utf8').catch(() => '')).trim() === String(starter!.pid),
      {
        timeoutMs: 60_000,
        intervalMs: 20,
      },
    );
    let waited = false;
    const running = await runningEmbeddedPostgres({ dataDir, waitMs: 150_000, onWait: () => (waited = true) });
    expect(waited).toBe(true);
    expect(running).toMatchObject({ ownerPid: starter.pid, dataDir });
    const client = new pg.Client({ connectionString: running!.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
      expect(rows[0]?.data_directory).toBe(dataDir);
    } finally {
      await client.end();
    }
  });
});
