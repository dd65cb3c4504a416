// The refund sweep reads live orders' paid checkouts and deleted orders' refunded late money (REFUND_SENT) within one
// per-run limit. The deleted orders' were given only what the live checkouts left: with as many live checkouts due as
// the limit, none was read, run after run. They now have a share of the run (refund-sweep.ts deletedOrderShare).
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { chargedAfterDelete } from './deleted-order-fixtures.js';
import { MovableClock } from './invoice-fixtures.js';
import { paidSquareOrder, useProvidersApp } from './square-btcpay-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env } = useProvidersApp(clock);

describe("the refund sweep's limit", () => {
  it("reads a deleted order's refunded late money even when live checkouts due fill the limit", async () => {
    const { checkoutId } = await chargedAfterDelete(env);
    await paidSquareOrder(env);
    await paidSquareOrder(env);
    const before = (await db.deletedOrderCheckout.findUniqueOrThrow({ where: { id: checkoutId } })).lateCheckedAt;

    clock.advance(2 * 3600);
    const result = await env.t.services.refundSweep.run(2);

    expect(result.read).toBe(2);
    const after = (await db.deletedOrderCheckout.findUniqueOrThrow({ where: { id: checkoutId } })).lateCheckedAt;
    expect(after).not.toBeNull();
    expect(after!.getTime()).toBeGreaterThan(before?.getTime() ?? 0);
  });
});
