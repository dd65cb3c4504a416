// The member gateway's leader lock (platform/db/leader-lock.ts) when the database misbehaves: a lock attempt that
// fails after connecting closes its connection (it was left open, one more every poll), and a database that
// stops answering ends the holder's check and a lock attempt with an error within the lock's timeout (they
// waited forever: the led work kept running on a lock nobody could confirm, and stop() never returned).
import net from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runWhileLeader, type LeaderHandle } from '../../src/platform/db/leader-lock.js';
import { createLogger } from '../../src/platform/logger.js';
import { testDatabaseUrl, testDb } from '../helpers/db.js';
import { waitFor } from '../helpers/wait-for.js';

const servers: net.Server[] = [];
const sockets: net.Socket[] = [];
const leaders: LeaderHandle[] = [];
afterAll(async () => {
  for (const l of leaders) await l.stop();
  for (const s of sockets) s.destroy();
  for (const s of servers) await new Promise((r) => s.close(r));
});

/** A logger whose lines the test reads. */
function captured() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, logger: createLogger({ level: 'info', pretty: false, destination: sink }) };
}

async function listen(onSocket: (s: net.Socket) => void): Promise<number> {
  const server = net.createServer((s) => {
    sockets.push(s);
    onSocket(s);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

/** The file's database through a TCP proxy that can freeze: from then on it passes nothing on, and closes nothing. */
async function freezableDatabase(): Promise<{ url: string; freeze(): void }> {
  const target = new URL(testDatabaseUrl());
  let frozen = false;
  const port = await listen((down) => {
    const up = net.connect(Number(target.port || 5432), target.hostname);
    sockets.push(up);
    down.on('data', (d) => void (frozen || up.write(d)));
    up.on('data', (d) => void (frozen || down.write(d)));
    down.on('error', () => undefined);
    up.on('error', () => undefined);
    down.on('close', () => up.destroy());
    up.on('close', () => down.destroy());
  });
  const url = new URL(testDatabaseUrl());
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return { url: url.toString(), freeze: () => void (frozen = true) };
}

const lockKey = () => BigInt(3_000_000 + Math.floor(Math.random() * 1_000_000));

describe('leader lock on a misbehaving database', () => {
  it('closes the connection of a lock attempt that failed after connecting, every poll', async () => {
    const app = `leader-leak-${process.pid}`;
    const url = new URL(testDatabaseUrl());
    url.searchParams.set('application_name', app);
    const { lines, logger } = captured();
    // A key out of bigint's range: pg_try_advisory_lock fails on the server, after the connection is made.
    const leader = runWhileLeader({
      connectionString: url.toString(),
      lockKey: 2n ** 63n,
      pollMs: 20,
      logger,
      lead: async () => async () => undefined,
    });
    leaders.push(leader);
    await waitFor(
      'four failed lock attempts',
      () => leader.attempts >= 4 && lines.filter((l) => l.msg === 'leader: tick failed; resigning if leading').length >= 4,
    );
    await leader.stop();
    expect(lines.find((l) => l.msg === 'leader: tick failed; resigning if leading')?.err).toMatchObject({
      message: expect.stringContaining('out of range'),
    });
    const open = async () =>
      (
        await testDb().$queryRaw<Array<{ n: number }>>`
          SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = ${app}`
      )[0]!.n;
    let stillOpen = -1;
    await waitFor(
      () => `the lock attempts' connections closed (still open: ${stillOpen})`,
      async () => (stillOpen = await open()) === 0,
    );
  });

  it('a lock attempt on a database that never answers ends with an error, and stop() returns', async () => {
    const port = await listen(() => undefined); // accepts, never answers
    const { lines, logger } = captured();
    const leader = runWhileLeader({
      connectionString: `postgres://app:pw@127.0.0.1:${port}/app`,
      lockKey: lockKey(),
      pollMs: 50,
      timeoutMs: 300,
      logger,
      lead: async () => async () => undefined,
    });
    leaders.push(leader);
    const failed = await waitFor('the lock attempt to fail', () =>
      lines.find((l) => l.msg === 'leader: tick failed; resigning if leading'),
    );
    expect(failed.err).toMatchObject({ message: expect.stringMatching(/timeout/i) });
    expect(leader.leading).toBe(false);
    await leader.stop();
  });

  it("the holder's check on a database that froze ends with an error: the led work stops and stop() returns", async () => {
    const db = await freezableDatabase();
    const { lines, logger } = captured();
    let workStopped!: () => void;
    const stoppedWork = new Promise<void>((r) => (workStopped = r));
    const leader = runWhileLeader({
      connectionString: db.url,
      lockKey: lockKey(),
      pollMs: 50,
      timeoutMs: 300,
      logger,
      lead: async () => async () => workStopped(),
    });
    leaders.push(leader);
    await waitFor('the lock to be won', () => leader.leading);
    db.freeze();
    await stoppedWork;
    expect(leader.leading).toBe(false);
    const failed = lines.find((l) => l.msg === 'leader: tick failed; resigning if leading');
    expect(failed?.err).toMatchObject({ message: expect.stringMatching(/timeout/i) });
    await leader.stop();
  });
});
