// Item refunds that do not restock (Shopify's "restock" unticked: damaged, or never shipped back): the
// units are refunded and their entitlements revoked, but stock stays where it is and the reservation keeps
// them as sold; later refunds restock only what they are asked to, and concurrent ones stay consistent.
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { afterSale, paidOrderFixture, stockOf } from './after-sale.harness.js';

const db = testDb(30);
const s = afterSale(db);

const reservation = (orderId: string, productId: string) => db.inventoryReservation.findFirstOrThrow({ where: { orderId, productId } });

describe('refund without restock', () => {
  it('PARTIAL_ITEMS with restock: false refunds the units and revokes roles, but stock and reservation stay', async () => {
    const { order, ctx, a } = await paidOrderFixture(db, s);
    const { refund, plan } = await s.refunds.refund(ctx, order.id, {
      items: [{ productId: a.id, quantity: 2, restock: false }],
      reason: 'Arrived broken',
    });

    expect(plan.items).toEqual([
      { productId: a.id, name: 'Alpha', quantity: 2, restockQuantity: 0, amountCents: 5000, discountCents: 0, taxCents: 375 },
    ]);
    expect(refund.items).toEqual([
      { productId: a.id, quantity: 2, restockQuantity: 0, amountCents: 5000, discountCents: 0, taxCents: 375 },
    ]);
    expect(await stockOf(db, a.id)).toBe(8);
    expect(await reservation(order.id, a.id)).toMatchObject({ quantity: 2, releasedQuantity: 0 });
    expect((await reservation(order.id, a.id)).state).not.toBe('RELEASED'); // the units stay sold
    expect((await db.orderItem.findFirstOrThrow({ where: { orderId: order.id, productId: a.id } })).refundedQuantity).toBe(2);
    expect(await db.entitlement.count({ where: { orderId: order.id, productId: a.id, status: 'REVOKED' } })).toBe(1);
    const entry = (await s.audit.listFor(ctx.tenantId, 'Order', order.id)).find((e) => e.action === 'order.refunded');
    expect(entry!.after).toMatchObject({ items: [{ productId: a.id, quantity: 2, restockQuantity: 0 }] });
  });

  it('splits one product between returned and damaged units; a later FULL refund restocks only the rest', async () => {
    const { order, ctx, a, b } = await paidOrderFixture(db, s);
    const { plan } = await s.refunds.refund(ctx, order.id, {
      items: [
        { productId: b.id, quantity: 1, restock: false },
        { productId: b.id, quantity: 1, restock: true },
      ],
    });
    expect(plan.items).toEqual([
      { productId: b.id, name: 'Bravo', quantity: 2, restockQuantity: 1, amountCents: 1000, discountCents: 0, taxCents: 75 },
    ]);
    expect(await stockOf(db, b.id)).toBe(8);
    expect(await reservation(order.id, b.id)).toMatchObject({ quantity: 3, releasedQuantity: 1 });

    const full = await s.refunds.refund(ctx, order.id, {});
    expect(full.plan.items.map((i) => [i.productId, i.quantity, i.restockQuantity])).toEqual([
      [a.id, 2, 2],
      [b.id, 1, 1],
      [expect.any(String), 1, 1],
    ]);
    expect(await stockOf(db, a.id)).toBe(10);
    expect(await stockOf(db, b.id)).toBe(9); // 7 + 1 returned + 1 in the full refund; the damaged unit stays sold
    expect(await reservation(order.id, b.id)).toMatchObject({ quantity: 3, releasedQuantity: 2 });
    expect((await reservation(order.id, b.id)).state).not.toBe('RELEASED');
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('REFUNDED');
  });

  it('BOTH with restock: false: the amount is refunded, the units are not restocked', async () => {
    const { order, ctx, b } = await paidOrderFixture(db, s);
    const { plan } = await s.refunds.refund(ctx, order.id, { amountCents: 300, items: [{ productId: b.id, quantity: 3, restock: false }] });
    expect(plan).toMatchObject({ mode: 'BOTH', amountCents: 300, items: [{ productId: b.id, quantity: 3, restockQuantity: 0 }] });
    expect(await stockOf(db, b.id)).toBe(7);
  });

  it('the preview shows the restock split and writes nothing', async () => {
    const { order, ctx, a } = await paidOrderFixture(db, s);
    const plan = await s.refunds.preview(ctx, order.id, { items: [{ productId: a.id, quantity: 1, restock: false }] });
    expect(plan.items).toEqual([
      { productId: a.id, name: 'Alpha', quantity: 1, restockQuantity: 0, amountCents: 2500, discountCents: 0, taxCents: 188 },
    ]);
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(0);
  });

  it('rejects a restock that is not a boolean', async () => {
    const { order, ctx, a } = await paidOrderFixture(db, s);
    await expect(
      s.refunds.refund(ctx, order.id, { items: [{ productId: a.id, quantity: 1, restock: 'no' as unknown as boolean }] }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('concurrent item refunds, some without restock: units refunded at most once, stock back only for restocked ones', async () => {
    const { order, ctx, b } = await paidOrderFixture(db, s);
    // Bravo: 3 bought, 7 in stock. Eight requests of one unit each, alternating restock.
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        s.refunds.refund(ctx, order.id, { items: [{ productId: b.id, quantity: 1, restock: i % 2 === 0 }] }),
      ),
    );
    const ok = results
      .filter((r) => r.status === 'fulfilled')
      .map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof s.refunds.refund>>>).value);
    expect(ok).toHaveLength(3);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'REFUND_EXCEEDS_QUANTITY' });
    const restocked = ok.reduce((n, r) => n + r.plan.items[0]!.restockQuantity, 0);
    expect(await stockOf(db, b.id)).toBe(7 + restocked);
    expect(await reservation(order.id, b.id)).toMatchObject({ quantity: 3, releasedQuantity: restocked });
    expect((await db.orderItem.findFirstOrThrow({ where: { orderId: order.id, productId: b.id } })).refundedQuantity).toBe(3);
  });
});
