// Erasing a customer's personal data while they use the bot, through signed interactions:
// - the race: the customer clicks Confirm & submit while the shop erases them. The submit is held inside its last
//   statement (another transaction holds the shop's order counter, which that statement takes after the
//   customer's session row); the erasure starts then and waits for the session. Whatever commits first, the
//   books stay consistent: here the order commits, and the erasure then sees it, refuses naming it, and leaves
//   its address whole (an erasure that read the orders before waiting would blank the new order's address), and
//   it waits holding no lock on the customer (holding it, it deadlocked with the submit's order insert).
// - erased first, the Confirm click finds no session: an ephemeral answer and no order;
// - the same Discord user comes back: the same customer record, with their Discord name written again.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../helpers/actors.js';
import { factories } from '../helpers/factories.js';
import { testDatabaseUrl, testDb } from '../helpers/db.js';
import { waitFor } from '../helpers/wait-for.js';
import { componentInteraction, customIdsOf, interact, member, messageOf, textOf, useHarness } from './harness.js';
import { walkToReview } from './flows.js';

const f = factories();
const db = testDb();
const h = useHarness();

async function customerAtReview() {
  const s = await f.shop();
  const user = member({ id: s.customer.discordUserId });
  const as = { guildId: s.guild.id, user };
  const { review } = await walkToReview(h, as, { productId: s.products[0]!.id, shippingTypeId: s.shippingType.id, openAddressForm: true });
  const confirm = () => interact(h, componentInteraction(as, customIdsOf(review)[0]!, { message: messageOf(review) }));
  return { ...s, as, user, review, confirm };
}

describe('erasing a customer while they order in Discord', () => {
  it('a submit in flight when the erasure starts: the order is placed and the erasure refuses, naming it', async () => {
    const s = await customerAtReview();
    const blocker = new pg.Client({ connectionString: testDatabaseUrl() });
    const watcher = new pg.Client({ connectionString: testDatabaseUrl() });
    await blocker.connect();
    await watcher.connect();
    const blockedBy = async (pid: number) =>
      Number(
        (await watcher.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid]))
          .rows[0]!.n,
      );
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT id FROM tenants WHERE id = $1 FOR UPDATE', [s.tenant.id]);
      const blockerPid = (await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const submitted = s.confirm();
      // The submit's last statement has marked the session SUBMITTED and waits for the shop's order counter.
      await waitFor('the submit to wait on the order counter', async () => (await blockedBy(blockerPid)) === 1);
      const submitPid = Number(
        (await watcher.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [blockerPid]))
          .rows[0]!.pid,
      );
      const erasure = h.t.services.customers.erase(adminCtx(s.tenant.id), s.customer.id).then(
        (r) => ({ ok: true as const, r }),
        (err: unknown) => ({ ok: false as const, err }),
      );
      await waitFor('the erasure to wait on the session the submit holds', async () => (await blockedBy(submitPid)) === 1);
      // Waiting, the erasure holds no lock on the customer: the placed order's foreign key takes that row after the
      // session, so an erasure holding it here would deadlock with the submit (one of them aborted and retried).
      await watcher.query('BEGIN');
      await watcher.query('SELECT id FROM customers WHERE id = $1 FOR UPDATE NOWAIT', [s.customer.id]);
      await watcher.query('ROLLBACK');
      await blocker.query('COMMIT');

      expect(textOf(await submitted)).toContain('Order submitted');
      const outcome = await erasure;
      const order = await db.order.findFirstOrThrow({ where: { customerId: s.customer.id } });
      expect(outcome.ok).toBe(false);
      expect(outcome.ok ? undefined : outcome.err).toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining(`Order #${order.number} (${order.id}) is waiting for payment`),
      });
      expect(order.shippingAddress).toMatchObject({ line1: '1 Elm St', city: 'Springfield', postalCode: '62701' });
      const customer = await db.customer.findUniqueOrThrow({ where: { id: s.customer.id } });
      expect(customer.username).toBe(s.user.username);
      expect(await db.address.count({ where: { customerId: s.customer.id } })).toBe(1);
      expect(await db.auditLog.count({ where: { entityId: s.customer.id, action: 'customer.erased' } })).toBe(0);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
      await watcher.end();
    }
  });

  it('erased while at the review: Confirm places no order and says so in place of the review, its buttons gone', async () => {
    const s = await customerAtReview();
    await h.t.services.customers.erase(adminCtx(s.tenant.id), s.customer.id);
    const res = await s.confirm();
    // The session ended with the erasure: the answer replaces the flow message (stale-flow-menu.test.ts's rule).
    expect(res.type).toBe(7);
    expect(res.data?.components ?? []).toEqual([]);
    expect(textOf(res)).toBeTruthy();
    expect(textOf(res)).not.toContain('Order submitted');
    expect(await db.order.count({ where: { customerId: s.customer.id } })).toBe(0);
    expect(await db.address.count({ where: { customerId: s.customer.id } })).toBe(0);
  });

  it('the same Discord user orders again after the erasure: the same record, their Discord name written again', async () => {
    const s = await customerAtReview();
    await h.t.services.customers.erase(adminCtx(s.tenant.id), s.customer.id);
    expect((await db.customer.findUniqueOrThrow({ where: { id: s.customer.id } })).username).toBeNull();

    const again = await walkToReview(h, s.as, { productId: s.products[1]!.id, shippingTypeId: s.shippingType.id, openAddressForm: true });
    const res = await interact(h, componentInteraction(s.as, customIdsOf(again.review)[0]!, { message: messageOf(again.review) }));
    expect(textOf(res)).toContain('Order submitted');
    expect(await db.customer.count({ where: { tenantId: s.tenant.id, discordUserId: s.user.id } })).toBe(1);
    const customer = await db.customer.findUniqueOrThrow({ where: { id: s.customer.id } });
    expect(customer.username).toBe(s.user.username);
    const order = await db.order.findFirstOrThrow({ where: { customerId: s.customer.id } });
    expect(order.shippingAddress).toMatchObject({ line1: '1 Elm St' });
  });
});
