// An operator command beside `npm start` uses the embedded database the service runs (runningEmbeddedPostgres),
// found from the folder's pid files. Files left by a crash can name pids reused since and a port another server
// took: the command must not connect there (with the embedded database's fixed password, it could reset admins in
// someone else's database), and answers "none running" instead. The running case is proven end to end in
// demo-login-first-start.test.ts.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningEmbeddedPostgres } from '../../src/platform/db/embedded-postgres.js';
import { testDatabaseUrl } from '../helpers/db.js';

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

  it('none when the pid file names another folder, or a server not ready, though both pids are alive', async () => {
    await pidFiles('/somewhere/else', otherServerPort, 'ready');
    expect(await runningEmbeddedPostgres({ dataDir })).toBeUndefined();
    await pidFiles(dataDir, otherServerPort, 'starting');
    expect(await runningEmbeddedPostgres({ dataDir })).toBeUndefined();
  });

  it('none when the port is answered by a server of another folder (the port was taken since)', async () => {
    await pidFiles(dataDir, otherServerPort, 'ready');
    expect(await runningEmbeddedPostgres({ dataDir })).toBeUndefined();
  });
});
