// The pool wait histogram (platform/metrics.ts observePool): every way a connection is taken (pool.connect
// with a promise or a callback, pool.query) is timed, and a caller that found every connection checked out
// is recorded as having waited at least as long as the holder kept it.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/platform/metrics.js';
import { testDatabaseUrl } from '../helpers/db.js';
import { waitFor } from '../helpers/wait-for.js';

const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 1 });
// pool.end() resolves before its connections have closed, and the file's database is then dropped WITH (FORCE):
// a connection still closing gets the server's 57P01, which must not be an unhandled 'error' (it failed a CI run).
pool.on('error', () => undefined);
pool.on('connect', (client) => client.on('error', () => undefined));
afterAll(() => pool.end());

async function histogram(metrics: ReturnType<typeof createMetrics>) {
  const text = await metrics.registry.metrics();
  const read = (series: string) => Number(new RegExp(`^${series.replace(/[{}"+.]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { count: read('ledgerline_db_pool_wait_seconds_count'), sum: read('ledgerline_db_pool_wait_seconds_sum') };
}

describe('pool wait metric', () => {
  it('times every connection taken, and a wait behind a checked-out connection as at least its hold', async () => {
    const metrics = createMetrics();
    metrics.observePool(pool);
    await pool.query('SELECT 1');
    await new Promise<void>((resolve, reject) =>
      pool.connect((err, client, release) => {
        if (err || !client) return reject(err ?? new Error('no client'));
        release();
        resolve();
      }),
    );
    expect((await histogram(metrics)).count).toBe(2);

    const holder = await pool.connect();
    const heldFor = 150;
    const waiting = pool.query('SELECT 2 AS n');
    await waitFor('the second caller to queue for the connection', () => pool.waitingCount === 1);
    // A fixed hold on purpose: the wait the histogram must record is at least this long (a real-clock window).
    const released = new Promise((r) => setTimeout(r, heldFor)).then(() => holder.release());
    expect((await waiting).rows).toEqual([{ n: 2 }]);
    await released;
    const after = await histogram(metrics);
    expect(after.count).toBe(4);
    expect(after.sum).toBeGreaterThanOrEqual(heldFor / 1000);
  });
});
