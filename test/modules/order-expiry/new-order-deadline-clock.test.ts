// A new order's pay-window deadline was counted at submit from the placing instance's clock (createdAt + window),
// while its expiry job is handed out, and the deadline judged, by the database's clock. On an instance 10 minutes
// behind PostgreSQL's, a 60-minute window gave the customer 50 (and the reminder came 10 minutes early); on one
// ahead, more than the shop's window. Submit's statement now counts the deadline, and its jobs' run_at and the
// reminder's deadline, from the database's now().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseNow } from '../../../src/platform/db/database-now.js';
import { testDb } from '../../helpers/db.js';
import { orderingFixture } from '../orders/ordering-fixture.js';

const MINUTE = 60_000;
/** How far the placing instance's clock is from the database's. */
const SKEW_MS = 10 * MINUTE;

const db = testDb();
let fx: Awaited<ReturnType<typeof orderingFixture>>;
beforeAll(async () => {
  fx = await orderingFixture(db);
});
afterAll(() => fx.close());

/** The order's reminder and expiry jobs, as queued. */
const windowJobs = (orderId: string) =>
  db.$queryRaw<{ task: string; run_at: Date; payload: { dueAt?: string } }[]>`
    SELECT t.identifier AS task, j.run_at, j.payload FROM graphile_worker._private_jobs j
    JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    WHERE j.payload->>'orderId' = ${orderId} AND j.key IS NOT NULL ORDER BY t.identifier`;

/** Places a Venmo order (a 60-minute window) on an instance whose clock reads the database's now plus `skewMs`. */
async function placeOnSkewedInstance(skewMs: number) {
  const s = await fx.shop({ tenant: { paymentWindowMinutes: { VENMO_P2P: 60 } } });
  fx.clock.offsetMs = (await databaseNow(db)).getTime() - Date.now() + skewMs;
  try {
    const c = await fx.readyCustomer(s);
    const before = await databaseNow(db);
    const { order } = await fx.services.orders.submit(s.tenant.id, c.id, { memberRoleIds: [] });
    const after = await databaseNow(db);
    return { order, before, after };
  } finally {
    fx.clock.offsetMs = 0;
  }
}

describe("a new order's deadline, counted from the database's now at submit", () => {
  for (const [where, skewMs] of [
    ['behind', -SKEW_MS],
    ['ahead of', SKEW_MS],
  ] as const) {
    it(`placed on an instance 10 minutes ${where} the database: a whole window by the database's clock, its jobs with it`, async () => {
      const { order, before, after } = await placeOnSkewedInstance(skewMs);
      const dueAt = order.paymentDueAt!;
      // Before: createdAt + 60 minutes by the instance's clock, 10 minutes off the database's.
      expect(dueAt.getTime()).toBeGreaterThanOrEqual(before.getTime() + 60 * MINUTE);
      expect(dueAt.getTime()).toBeLessThanOrEqual(after.getTime() + 60 * MINUTE);
      expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).paymentDueAt).toEqual(dueAt);
      // The reminder at half the window and the expiry at the deadline, the reminder naming the stored deadline
      // (reminderStillDue compares the two).
      expect(await windowJobs(order.id)).toEqual([
        {
          task: 'order.payment_reminder>test-observer',
          run_at: new Date(dueAt.getTime() - 30 * MINUTE),
          payload: expect.objectContaining({ dueAt: dueAt.toISOString() }),
        },
        { task: 'order.payment_window.expire', run_at: dueAt, payload: expect.not.objectContaining({ dueAt: expect.anything() }) },
      ]);
    });
  }
});
