// Deleting an order keeps its closed checkouts that can still take money (late-money.ts keepForLateMoney): a
// Square checkout for 7 days after it was made, a time the database dates (its `createdAt`). Whether those days had
// passed was read by the clock of the instance that ran the delete: several run, and their clocks differ from each
// other and from PostgreSQL's. One running ahead dropped a checkout still inside its window (money that reached
// Square for it then matched nothing, and nobody returned it); one running behind kept one past it. The window is
// now read by the database's clock, on every instance alike.
import { describe, expect, it } from 'vitest';
import { LATE_MONEY } from '../../../src/modules/payments-processor/checkouts/late-money.js';
import { createOrderAdminService } from '../../../src/modules/order-admin/order-admin.service.js';
import type { Clock } from '../../../src/platform/clock.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { adminCtx, afterSale } from '../refunds/after-sale.harness.js';

const db = testDb();
const s = afterSale(db);
const f = factories(db);

/** How far the deleting instance's clock is from the database's: well beyond what is left of the window. */
const SKEW_SECS = 3 * 60;
const WINDOW_SECS = LATE_MONEY.SQUARE.days * 24 * 3600;

/** The order admin of an instance whose clock is `secs` ahead of the database's (behind when negative). */
function skewedOrderAdmin(secs: number) {
  const clock: Clock = { now: () => new Date(Date.now() + secs * 1000) };
  return createOrderAdminService({ ...s.deps, clock });
}

/** A cancelled order with one voided Cash App Pay checkout made `ageSecs` ago by the database's clock. */
async function orderWithVoidedCheckout(ageSecs: number) {
  const { tenant, guild, customer } = await f.shop();
  const order = await f.order({ tenantId: tenant.id, customerId: customer.id, guildId: guild.id, status: 'CANCELLED' });
  const connection = await db.paymentConnection.create({ data: { tenantId: tenant.id, provider: 'SQUARE', environment: 'sandbox' } });
  const id = `chk_delclock_${order.id}`;
  await db.paymentCheckout.create({
    data: {
      id,
      tenantId: tenant.id,
      orderId: order.id,
      connectionId: connection.id,
      provider: 'SQUARE',
      method: 'CASHAPP_PAY',
      // Never charged: named by our own id, so a charge that raced the void may still have reached Square.
      providerCheckoutId: id,
      amountCents: 4250,
      currency: 'USD',
      orderVersion: 1,
      state: 'VOIDED',
    },
  });
  await db.$executeRaw`UPDATE payment_checkouts SET "createdAt" = (now() AT TIME ZONE 'UTC') - make_interval(secs => ${ageSecs}::float8) WHERE id = ${id}`;
  return { order, ctx: adminCtx(tenant.id), checkoutId: id };
}

const kept = (checkoutId: string) => db.deletedOrderCheckout.count({ where: { id: checkoutId } });

describe("a deleted order's checkouts kept for late money, by the database's clock", () => {
  it('an instance whose clock runs ahead keeps a checkout still inside its window: late money on it is still found', async () => {
    // A minute of its 7 days left by the database's clock; this instance's clock reads it as past.
    const { order, ctx, checkoutId } = await orderWithVoidedCheckout(WINDOW_SECS - 60);
    await skewedOrderAdmin(SKEW_SECS).delete(ctx, order.id);
    expect(await db.order.findUnique({ where: { id: order.id } })).toBeNull();
    expect(await kept(checkoutId)).toBe(1);
  });

  it('an instance whose clock runs behind does not keep a checkout past its window', async () => {
    // Past its 7 days by half a minute, by the database's clock; this instance's clock still reads it as inside.
    const { order, ctx, checkoutId } = await orderWithVoidedCheckout(WINDOW_SECS + 30);
    await skewedOrderAdmin(-SKEW_SECS).delete(ctx, order.id);
    expect(await db.order.findUnique({ where: { id: order.id } })).toBeNull();
    expect(await kept(checkoutId)).toBe(0);
  });
});
