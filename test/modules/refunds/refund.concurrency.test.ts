// Refunds racing on one order, over parallel connections: the order's row lock serializes them.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/platform/errors.js';
import { testDb } from '../../helpers/db.js';
import { afterSale, paidOrderFixture, stockOf } from './after-sale.harness.js';

const db = testDb(60);
const s = afterSale(db);

async function totals(orderId: string) {
  const order = await db.order.findUniqueOrThrow({ where: { id: orderId }, include: { refunds: true, payments: true, items: true } });
  return { order, refundSum: order.refunds.reduce((sum, r) => sum + r.amountCents, 0) };
}

describe('concurrent refunds', () => {
  it('50 concurrent partial refunds that add up to exactly the total: all succeed and the order ends REFUNDED', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    // 43 x 200 = 8600 (the total); the 7 extra requests must fail.
    const settled = await Promise.allSettled(Array.from({ length: 50 }, () => s.refunds.refund(ctx, order.id, { amountCents: 200 })));
    const ok = settled.filter((r) => r.status === 'fulfilled');
    const failed = settled.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(43);
    for (const f of failed) {
      expect(f.reason).toBeInstanceOf(AppError);
      expect(['REFUND_EXCEEDS_BALANCE', 'REFUND_NOTHING_LEFT']).toContain((f.reason as AppError).code);
    }
    const { order: after, refundSum } = await totals(order.id);
    expect(after.refundedTotalCents).toBe(8600);
    expect(refundSum).toBe(8600);
    expect(after.status).toBe('REFUNDED');
    expect(after.payments[0]).toMatchObject({ status: 'refunded', refundedAmountCents: 8600 });
  });

  it('50 concurrent partial refunds that cannot all fit never exceed the total and leave it PARTIALLY_REFUNDED', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    // floor(8600 / 300) = 28 fit (8400); 200 stays refundable.
    const settled = await Promise.allSettled(Array.from({ length: 50 }, () => s.refunds.refund(ctx, order.id, { amountCents: 300 })));
    expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(28);
    const { order: after, refundSum } = await totals(order.id);
    expect(after.refundedTotalCents).toBe(8400);
    expect(refundSum).toBe(8400);
    expect(after.status).toBe('PARTIALLY_REFUNDED');
    expect(after.payments[0]).toMatchObject({ status: 'partially_refunded', refundedAmountCents: 8400 });
  });

  it('concurrent item refunds never refund more units than bought, and stock comes back exactly once per unit', async () => {
    const { order, ctx, b } = await paidOrderFixture(db, s);
    const settled = await Promise.allSettled(
      Array.from({ length: 20 }, () => s.refunds.refund(ctx, order.id, { items: [{ productId: b.id, quantity: 1 }] })),
    );
    expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    for (const r of settled) if (r.status === 'rejected') expect((r.reason as AppError).code).toBe('REFUND_EXCEEDS_QUANTITY');
    const { order: after } = await totals(order.id);
    expect(after.items.find((i) => i.productId === b.id)!.refundedQuantity).toBe(3);
    // 3 x 5.00 plus Bravo's whole tax share (113: 38 + 37 + 38, cumulative rounding), whatever the order they ran in.
    expect(after.refundedTotalCents).toBe(1613);
    expect(await stockOf(db, b.id)).toBe(10);

    // A full refund afterwards refunds exactly the remainder and only the units not refunded yet.
    const { plan } = await s.refunds.refund(ctx, order.id, {});
    expect(plan.amountCents).toBe(8600 - 1613);
    expect(plan.items.find((i) => i.productId === b.id)).toBeUndefined();
    expect(await stockOf(db, b.id)).toBe(10);
    expect((await totals(order.id)).order).toMatchObject({ status: 'REFUNDED', refundedTotalCents: 8600 });
  });

  it('a full refund racing partial ones: the total is refunded exactly once', async () => {
    const { order, ctx, a, b } = await paidOrderFixture(db, s);
    const settled = await Promise.allSettled([
      s.refunds.refund(ctx, order.id, {}),
      s.refunds.refund(ctx, order.id, { amountCents: 1000 }),
      s.refunds.refund(ctx, order.id, { items: [{ productId: a.id, quantity: 1 }] }),
      s.refunds.refund(ctx, order.id, {}),
      s.refunds.refund(ctx, order.id, { items: [{ productId: b.id, quantity: 2 }], amountCents: 100 }),
    ]);
    expect(settled.some((r) => r.status === 'fulfilled')).toBe(true);
    const { order: after, refundSum } = await totals(order.id);
    expect(after.refundedTotalCents).toBe(8600);
    expect(refundSum).toBe(8600);
    expect(after.status).toBe('REFUNDED');
    expect(after.items.every((i) => i.refundedQuantity === i.quantity)).toBe(true);
    expect(await stockOf(db, a.id)).toBe(10);
    expect(await stockOf(db, b.id)).toBe(10);
  });
});
