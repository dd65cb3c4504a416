// An unpaid order given its deadline late (the sweep, or a job an older release queued, for an order placed before
// submit set deadlines): the end of its window, but never sooner than half a window from now, so the customer still
// gets the reminder and time to pay. That "now" was the clock of the instance that ran it; several run, and their
// clocks differ from each other and from PostgreSQL's, whose clock runs the reminder and expiry jobs (their run_at).
// One whose clock ran ahead gave more time than half a window, one running behind less (with a clock half a window
// behind, none: the reminder and the expiry were due at once). It is now the database's now, read with the order.
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { MovableClock } from '../../http/invoice/invoice-fixtures.js';

const db = testDb();
const f = factories();
const MINUTE = 60_000;
/** How far this instance's clock is from the database's in these tests. */
const SKEW_SECS = 10 * 60;

const clock = new MovableClock();
let app: TestApp | undefined;
const services = async () => (app ??= await createTestApp({ clock })).services;
afterAll(async () => app?.services.close());

/** Runs `body` with this instance's clock `secs` ahead of the database's (behind when negative). */
async function skewed<T>(secs: number, body: () => Promise<T>): Promise<T> {
  clock.advance(secs);
  try {
    return await body();
  } finally {
    clock.advance(-secs);
  }
}

const databaseNow = async () => (await db.$queryRaw<[{ now: Date }]>`SELECT now() AS now`)[0].now;

/** An unpaid order of a shop whose Venmo window is 60 minutes. */
async function unpaidOrder() {
  const tenant = await f.tenant({ paymentWindowMinutes: { VENMO_P2P: 60 } });
  const customer = await f.customer({ tenantId: tenant.id });
  const order = await f.order({ tenantId: tenant.id, customerId: customer.id, paymentMethod: 'VENMO_P2P' });
  return { tenantId: tenant.id, order };
}

describe("a pay window set late, counted from the database's now", () => {
  it("a deadline set late gives half a window from the database's now, whatever the instance's clock says", async () => {
    const s = await services();
    const { tenantId, order } = await unpaidOrder();
    // Placed three hours ago without a deadline (before pay windows existed): its 60 minutes are long over.
    await db.$executeRaw`UPDATE orders SET "createdAt" = (now() AT TIME ZONE 'UTC') - interval '3 hours', "paymentDueAt" = NULL WHERE id = ${order.id}`;
    const before = await databaseNow();
    const scheduled = await skewed(SKEW_SECS, () => s.paymentWindows.schedule(tenantId, order.id));
    const after = await databaseNow();
    expect(scheduled!.dueAt.getTime()).toBeGreaterThanOrEqual(before.getTime() + 30 * MINUTE);
    expect(scheduled!.dueAt.getTime()).toBeLessThanOrEqual(after.getTime() + 30 * MINUTE);
  });

  it("an instance whose clock runs behind still gives half a window from the database's now", async () => {
    const s = await services();
    const { tenantId, order } = await unpaidOrder();
    await db.$executeRaw`UPDATE orders SET "createdAt" = (now() AT TIME ZONE 'UTC') - interval '3 hours', "paymentDueAt" = NULL WHERE id = ${order.id}`;
    const before = await databaseNow();
    const scheduled = await skewed(-SKEW_SECS, () => s.paymentWindows.schedule(tenantId, order.id));
    expect(scheduled!.dueAt.getTime()).toBeGreaterThanOrEqual(before.getTime() + 30 * MINUTE);
  });
});
