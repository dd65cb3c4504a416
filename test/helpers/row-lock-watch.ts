// Two raw connections for tests that order a race by a row lock instead of a sleep: `blocker` holds a row in an open
// transaction (holdRow) while the code under test queues behind it, and `watcher` sees who waits (waitingOn, from
// pg_stat_activity outside any transaction). Each test gets fresh connections; an open transaction is rolled back after.
import pg from 'pg';
import { afterEach, beforeEach } from 'vitest';
import { testDatabaseUrl } from './db.js';
import { waitFor } from './wait-for.js';

export function useRowLockWatch() {
  let blocker: pg.Client;
  let watcher: pg.Client;
  beforeEach(async () => {
    blocker = new pg.Client({ connectionString: testDatabaseUrl() });
    watcher = new pg.Client({ connectionString: testDatabaseUrl() });
    await blocker.connect();
    await watcher.connect();
  });
  afterEach(async () => {
    await blocker.query('ROLLBACK').catch(() => undefined);
    await blocker.end();
    await watcher.end();
  });

  /** The backends waiting on a lock one of `pids` holds, other than those. */
  async function waitingOn(pids: number[]): Promise<number[]> {
    const { rows } = await watcher.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE pg_blocking_pids(pid) && $1::int[] AND NOT pid = ANY($1::int[])',
      [pids],
    );
    return rows.map((r) => r.pid);
  }

  return {
    /** Locks the rows `lockSql` selects (ending in FOR UPDATE) in the blocker's open transaction; the blocker's pid. */
    async holdRow(lockSql: string, params: unknown[]): Promise<number> {
      await blocker.query('BEGIN');
      await blocker.query(lockSql, params);
      return (await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    },
    /** Ends the blocker's transaction: the rows it held are free. */
    release: () => blocker.query('COMMIT').then(() => undefined),
    waitingOn,
    /** Waits until exactly one backend waits on a lock one of `pids` holds (`what` names it); its pid. */
    async oneWaitingOn(what: string, pids: number[]): Promise<number> {
      const [pid] = await waitFor(what, async () => {
        const w = await waitingOn(pids);
        return w.length === 1 ? w : undefined;
      });
      return pid!;
    },
  };
}
