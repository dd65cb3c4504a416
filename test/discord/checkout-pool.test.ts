// Checkout submits waiting on row locks must not starve every other request (issue 16): their transactions
// run on a pool of their own (DATABASE_CHECKOUT_POOL_SIZE, docs/decisions/checkout-pool.md), so while more
// submits wait than the shared pool has connections, other customers' steps are still answered.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDatabaseUrl } from '../helpers/db.js';
import { commandInteraction, componentInteraction, interact, member, messageOf, startHarness, textOf, type Harness } from './harness.js';
import { walkToReview } from './flows.js';
import { waitFor } from '../helpers/wait-for.js';

let h: Harness;
const f = factories();
const SHARED = 3;
const CHECKOUT = 2;

beforeAll(async () => {
  // Nothing is deferred or given up by time (the harness never defers; a slow machine may take seconds to
  // open a connection): a step that could not get a connection would simply not answer.
  h = await startHarness({
    env: { DATABASE_POOL_SIZE: String(SHARED), DATABASE_CHECKOUT_POOL_SIZE: String(CHECKOUT), DATABASE_ACQUIRE_TIMEOUT_MS: '60000' },
  });
});
afterAll(async () => {
  await h.stop();
});

async function customerAtReview() {
  const s = await f.shop();
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
  const { review } = await walkToReview(h, as, { productId: s.products[0]!.id, shippingTypeId: s.shippingType.id });
  expect(textOf(review)).toContain('Confirm');
  return { s, as, review };
}

describe('checkout pool', () => {
  it('submits stuck behind a lock hold at most DATABASE_CHECKOUT_POOL_SIZE connections; other steps still answer', async () => {
    const waiting = SHARED + CHECKOUT; // more submits than the shared pool has connections
    const customers = [];
    for (let i = 0; i < waiting; i++) customers.push(await customerAtReview());
    const other = await f.shop();

    // Another transaction holds every one of these sessions' rows: each submit's transaction waits on its lock.
    const blocker = new pg.Client({ connectionString: testDatabaseUrl() });
    await blocker.connect();
    // Outside the blocker's transaction: pg_stat_activity is a snapshot per transaction.
    const watcher = new pg.Client({ connectionString: testDatabaseUrl() });
    await watcher.connect();
    try {
      await blocker.query('BEGIN');
      const ids = customers.map((c) => c.s.customer.id);
      await blocker.query(`SELECT id FROM order_sessions WHERE "customerId" = ANY($1::text[]) AND "activeSlot" = 1 FOR UPDATE`, [ids]);
      const blockerPid = (await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

      let settled = 0;
      const confirms = customers.map((c) =>
        interact(h, componentInteraction(c.as, 'order:confirm', { message: messageOf(c.review) })).finally(() => settled++),
      );
      const lockWaiters = async () =>
        Number(
          (
            await watcher.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [
              blockerPid,
            ])
          ).rows[0]!.n,
        );
      // Wait (polling the server, no fixed sleep) until the checkout pool is full of waiting submits.
      await waitFor(`${CHECKOUT} submits waiting on the lock`, async () => {
        if (settled) throw new Error(`a submit finished while its session was locked: ${textOf(await Promise.race(confirms))}`);
        return (await lockWaiters()) >= CHECKOUT;
      });

      // Another customer's /order is answered while those submits still wait.
      const start = await interact(
        h,
        commandInteraction({ guildId: other.guild.id, user: member({ id: other.customer.discordUserId }) }, 'order'),
      );
      expect(start.type).toBe(4);
      expect(JSON.stringify(start.data)).toContain(other.products[0]!.name);
      expect(settled).toBe(0);
      // Never more than the checkout pool's connections wait on the lock; the rest queue in memory.
      expect(await lockWaiters()).toBe(CHECKOUT);

      await blocker.query('COMMIT');
      const answers = await Promise.all(confirms);
      for (const a of answers) expect(textOf(a)).toContain('Order submitted');
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
      await watcher.end();
    }
  }, 300_000);
});
