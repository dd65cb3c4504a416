// The four refund modes of spec 000, cumulative refunds, idempotency keys and the preview.
import { describe, expect, it } from 'vitest';
import { EVENTS, TASKS } from '../../../src/modules/shared/events.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { afterSale, eventJob, paidOrderFixture, queuedJobs, stockOf } from './after-sale.harness.js';

const db = testDb(60);
const s = afterSale(db);

async function refundedEvents(orderId: string) {
  return (await queuedJobs(db, eventJob(EVENTS.orderRefunded))).filter((j) => j.payload.orderId === orderId).map((j) => j.payload);
}

describe('refund modes', () => {
  it('FULL (no amount, no items): the whole balance, every unit back in stock, every entitlement revoked', async () => {
    const { order, ctx, a, b, c } = await paidOrderFixture(db, s);
    const { refund, order: after, plan, replayed } = await s.refunds.refund(ctx, order.id, {});

    expect(replayed).toBe(false);
    expect(plan).toEqual({
      mode: 'FULL',
      amountCents: 8600,
      // The parts of the amount (refund-shares.ts): tax 600 split over the lines' 5000 / 1500 / 1000 and shipping's 500.
      goodsCents: 7500,
      discountCents: 0,
      shippingCents: 500,
      taxCents: 600,
      items: [
        { productId: a.id, name: 'Alpha', quantity: 2, restockQuantity: 2, amountCents: 5000, discountCents: 0, taxCents: 375 },
        { productId: b.id, name: 'Bravo', quantity: 3, restockQuantity: 3, amountCents: 1500, discountCents: 0, taxCents: 113 },
        { productId: c.id, name: 'Charlie', quantity: 1, restockQuantity: 1, amountCents: 1000, discountCents: 0, taxCents: 75 },
      ],
      refundedBeforeCents: 0,
      remainingAfterCents: 0,
      resultingStatus: 'REFUNDED',
    });
    expect(refund).toMatchObject({
      mode: 'FULL',
      amountCents: 8600,
      reason: 'Admin-initiated refund',
      actorType: 'PANEL_ADMIN',
      paymentId: order.payment.id,
    });
    expect(after).toMatchObject({ status: 'REFUNDED', refundedTotalCents: 8600 });
    expect(await db.payment.findUniqueOrThrow({ where: { id: order.payment.id } })).toMatchObject({
      status: 'refunded',
      refundedAmountCents: 8600,
    });
    expect((await db.orderItem.findMany({ where: { orderId: order.id } })).every((i) => i.refundedQuantity === i.quantity)).toBe(true);
    expect(await stockOf(db, a.id)).toBe(10);
    expect(await stockOf(db, b.id)).toBe(10);
    const ents = await db.entitlement.findMany({ where: { orderId: order.id } });
    expect(ents).toHaveLength(2);
    expect(ents.every((e) => e.status === 'REVOKED' && e.revokedAt)).toBe(true);
    const revokeJobs = (await queuedJobs(db, TASKS.roleRemove)).filter((j) => j.payload.orderId === order.id);
    expect(revokeJobs).toHaveLength(2);
    expect(await refundedEvents(order.id)).toEqual([
      { tenantId: ctx.tenantId, orderId: order.id, refundId: refund.id, amountCents: 8600, productIds: [a.id, b.id, c.id] },
    ]);
    const audit = await s.audit.listFor(ctx.tenantId, 'Order', order.id);
    expect(audit.at(-1)).toMatchObject({
      action: 'order.refunded',
      before: { status: 'PAID', refundedTotalCents: 0 },
      after: { status: 'REFUNDED', refundedTotalCents: 8600 },
    });
  });

  it('PARTIAL_AMOUNT: only the money moves (no stock, no entitlement change)', async () => {
    const { order, ctx, a, b } = await paidOrderFixture(db, s);
    const { refund, order: after, plan } = await s.refunds.refund(ctx, order.id, { amountCents: 500, reason: 'Damage compensation' });

    expect(plan).toMatchObject({
      mode: 'PARTIAL_AMOUNT',
      amountCents: 500,
      items: [],
      refundedBeforeCents: 0,
      remainingAfterCents: 8100,
      resultingStatus: 'PARTIALLY_REFUNDED',
    });
    expect(refund).toMatchObject({ reason: 'Damage compensation', items: [] });
    expect(after).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedTotalCents: 500 });
    expect(await db.payment.findUniqueOrThrow({ where: { id: order.payment.id } })).toMatchObject({
      status: 'partially_refunded',
      refundedAmountCents: 500,
    });
    expect(await stockOf(db, a.id)).toBe(8);
    expect(await stockOf(db, b.id)).toBe(7);
    expect((await db.orderItem.findMany({ where: { orderId: order.id } })).every((i) => i.refundedQuantity === 0)).toBe(true);
    expect(await db.entitlement.count({ where: { orderId: order.id, status: 'GRANTED' } })).toBe(2);
    expect((await refundedEvents(order.id))[0]!.productIds).toEqual([]);
  });

  it("PARTIAL_ITEMS: amount = quantity x unit price plus the units' tax share, those units back, that product's entitlements revoked", async () => {
    const { order, ctx, a, b, roleA } = await paidOrderFixture(db, s);
    const { order: after, plan, refund } = await s.refunds.refund(ctx, order.id, { items: [{ productId: a.id, quantity: 1 }] });

    // Alpha's line carries 375 of the 600 tax; one of its two units: round(187.5) = 188.
    expect(plan).toMatchObject({
      mode: 'PARTIAL_ITEMS',
      amountCents: 2688,
      goodsCents: 2500,
      taxCents: 188,
      shippingCents: 0,
      items: [{ productId: a.id, name: 'Alpha', quantity: 1, amountCents: 2500, taxCents: 188 }],
      remainingAfterCents: 5912,
    });
    expect(refund).toMatchObject({ amountCents: 2688, taxCents: 188, discountCents: 0, shippingCents: 0 });
    expect(after).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedTotalCents: 2688 });
    expect(await stockOf(db, a.id)).toBe(9);
    expect(await stockOf(db, b.id)).toBe(7);
    expect((await db.orderItem.findFirstOrThrow({ where: { orderId: order.id, productId: a.id } })).refundedQuantity).toBe(1);
    const ents = await db.entitlement.findMany({ where: { orderId: order.id }, orderBy: { roleId: 'asc' } });
    expect(ents.find((e) => e.roleId === roleA)!.status).toBe('REVOKED');
    expect(ents.find((e) => e.roleId !== roleA)!.status).toBe('GRANTED');
    expect((await refundedEvents(order.id))[0]!.productIds).toEqual([a.id]);
  });

  it('BOTH: the items drive stock, the amount overrides their price', async () => {
    const { order, ctx, b } = await paidOrderFixture(db, s);
    const {
      order: after,
      plan,
      refund,
    } = await s.refunds.refund(ctx, order.id, { amountCents: 700, items: [{ productId: b.id, quantity: 2 }] });

    expect(plan).toMatchObject({ mode: 'BOTH', amountCents: 700, items: [{ productId: b.id, quantity: 2, amountCents: 1000 }] });
    expect(refund.amountCents).toBe(700);
    expect(after.refundedTotalCents).toBe(700);
    expect(await stockOf(db, b.id)).toBe(9);
    expect((await db.orderItem.findFirstOrThrow({ where: { orderId: order.id, productId: b.id } })).refundedQuantity).toBe(2);
  });

  it('merges repeated products in one request', async () => {
    const { order, ctx, b } = await paidOrderFixture(db, s);
    const { plan } = await s.refunds.refund(ctx, order.id, {
      items: [
        { productId: b.id, quantity: 1 },
        { productId: b.id, quantity: 1 },
      ],
    });
    expect(plan.items).toEqual([
      { productId: b.id, name: 'Bravo', quantity: 2, restockQuantity: 2, amountCents: 1000, discountCents: 0, taxCents: 75 },
    ]);
    expect(await stockOf(db, b.id)).toBe(9);
  });

  it('is cumulative: partial refunds add up, then FULL refunds exactly the remainder and the units not yet refunded', async () => {
    const { order, ctx, a, b, c } = await paidOrderFixture(db, s);
    await s.refunds.refund(ctx, order.id, { amountCents: 1000 });
    await s.refunds.refund(ctx, order.id, { items: [{ productId: a.id, quantity: 2 }] });
    await s.refunds.refund(ctx, order.id, { items: [{ productId: b.id, quantity: 1 }] });
    const mid = await db.order.findUniqueOrThrow({ where: { id: order.id } });
    // 1000 (of it 70 tax, 58 shipping) + Alpha x2 5000 + its 375 tax + Bravo x1 500 + round(113 / 3) = 38 tax.
    expect(mid).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedTotalCents: 6913 });

    const { plan, order: after } = await s.refunds.refund(ctx, order.id, {});
    expect(plan).toMatchObject({
      mode: 'FULL',
      amountCents: 1687,
      refundedBeforeCents: 6913,
      remainingAfterCents: 0,
      resultingStatus: 'REFUNDED',
      taxCents: 600 - 70 - 375 - 38,
      shippingCents: 500 - 58,
    });
    expect(plan.items.map((i) => [i.productId, i.quantity])).toEqual([
      [b.id, 2],
      [c.id, 1],
    ]);
    expect(after).toMatchObject({ status: 'REFUNDED', refundedTotalCents: 8600 });
    expect(await stockOf(db, a.id)).toBe(10);
    expect(await stockOf(db, b.id)).toBe(10);
    expect(await db.payment.findUniqueOrThrow({ where: { id: order.payment.id } })).toMatchObject({
      status: 'refunded',
      refundedAmountCents: 8600,
    });
    const refunds = await db.refund.findMany({ where: { orderId: order.id } });
    expect(refunds.reduce((sum, r) => sum + r.amountCents, 0)).toBe(8600);
    expect(refunds.reduce((sum, r) => sum + r.taxCents, 0)).toBe(600);
    expect(refunds.reduce((sum, r) => sum + r.shippingCents, 0)).toBe(500);
  });

  it('an amount that reaches the total exactly makes the order REFUNDED', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    await s.refunds.refund(ctx, order.id, { amountCents: 8000 });
    const { order: after } = await s.refunds.refund(ctx, order.id, { amountCents: 600 });
    expect(after).toMatchObject({ status: 'REFUNDED', refundedTotalCents: 8600 });
  });

  it('refunds a shipped order too', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    await s.orderAdmin.update(ctx, order.id, { shippingStatus: 'SHIPPED', trackingNumber: '1Z999' });
    const { order: after } = await s.refunds.refund(ctx, order.id, { amountCents: 100 });
    expect(after.status).toBe('PARTIALLY_REFUNDED');
    expect(after.shippingStatus).toBe('SHIPPED');
  });
});

describe('idempotency key', () => {
  it('returns the first refund on replay and refunds once', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    const first = await s.refunds.refund(ctx, order.id, { amountCents: 300, idempotencyKey: 'form-123' });
    const again = await s.refunds.refund(ctx, order.id, { amountCents: 300, idempotencyKey: 'form-123' });
    expect(again.replayed).toBe(true);
    expect(again.refund.id).toBe(first.refund.id);
    expect(again.plan).toMatchObject({ mode: 'PARTIAL_AMOUNT', amountCents: 300, refundedBeforeCents: 0, remainingAfterCents: 8300 });
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(1);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).refundedTotalCents).toBe(300);
    expect(await refundedEvents(order.id)).toHaveLength(1);
  });

  it('concurrent requests with one key refund once', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => s.refunds.refund(ctx, order.id, { amountCents: 250, idempotencyKey: 'double-click' })),
    );
    expect(new Set(results.map((r) => r.refund.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).refundedTotalCents).toBe(250);
  });

  it('refuses a key already used on another order of the tenant', async () => {
    const one = await paidOrderFixture(db, s);
    await s.refunds.refund(one.ctx, one.order.id, { amountCents: 100, idempotencyKey: 'k1' });
    const other = await factories(db).order({
      tenantId: one.tenant.id,
      customerId: one.customer.id,
      paymentStatus: 'paid',
      status: 'PAID',
    });
    const err = await s.refunds.refund(one.ctx, other.id, { amountCents: 100, idempotencyKey: 'k1' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT' });
    expect((await db.order.findUniqueOrThrow({ where: { id: other.id } })).refundedTotalCents).toBe(0);
  });
  it('one key raced on two orders: one refund, the other request is told the key is taken', async () => {
    const one = await paidOrderFixture(db, s);
    const other = await factories(db).order({
      tenantId: one.tenant.id,
      customerId: one.customer.id,
      paymentStatus: 'paid',
      status: 'PAID',
    });
    const settled = await Promise.allSettled([
      s.refunds.refund(one.ctx, one.order.id, { amountCents: 100, idempotencyKey: 'race-key' }),
      s.refunds.refund(one.ctx, other.id, { amountCents: 100, idempotencyKey: 'race-key' }),
    ]);
    expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loser = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(loser.reason).toMatchObject({ code: 'CONFLICT' });
    expect(await db.refund.count({ where: { idempotencyKey: 'race-key' } })).toBe(1);
  });
});

describe('preview', () => {
  it('computes the plan and writes nothing', async () => {
    const { order, ctx, a } = await paidOrderFixture(db, s);
    const before = await db.order.findUniqueOrThrow({ where: { id: order.id }, include: { items: true, payments: true } });
    const jobsBefore = (await queuedJobs(db)).length;
    const auditBefore = await db.auditLog.count({ where: { tenantId: ctx.tenantId } });

    const plan = await s.refunds.preview(ctx, order.id, { items: [{ productId: a.id, quantity: 2 }], amountCents: 4000 });
    expect(plan).toEqual({
      mode: 'BOTH',
      amountCents: 4000,
      // The amount split like the items it comes with: 5000 of goods to 375 of tax.
      goodsCents: 3721,
      discountCents: 0,
      shippingCents: 0,
      taxCents: 279,
      items: [{ productId: a.id, name: 'Alpha', quantity: 2, restockQuantity: 2, amountCents: 5000, discountCents: 0, taxCents: 375 }],
      refundedBeforeCents: 0,
      remainingAfterCents: 4600,
      resultingStatus: 'PARTIALLY_REFUNDED',
    });
    expect(await s.refunds.preview(ctx, order.id, {})).toMatchObject({ mode: 'FULL', amountCents: 8600, resultingStatus: 'REFUNDED' });

    expect(await db.order.findUniqueOrThrow({ where: { id: order.id }, include: { items: true, payments: true } })).toEqual(before);
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(0);
    expect(await stockOf(db, a.id)).toBe(8);
    expect((await queuedJobs(db)).length).toBe(jobsBefore);
    expect(await db.auditLog.count({ where: { tenantId: ctx.tenantId } })).toBe(auditBefore);
    expect(await db.entitlement.count({ where: { orderId: order.id, status: 'REVOKED' } })).toBe(0);
  });

  it('reports the same errors as the refund itself', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    await expect(s.refunds.preview(ctx, order.id, { amountCents: 9000 })).rejects.toMatchObject({ code: 'REFUND_EXCEEDS_BALANCE' });
  });
});
