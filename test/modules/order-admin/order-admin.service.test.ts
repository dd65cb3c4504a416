// orderAdmin.update / cancel / delete against a real PostgreSQL.
import { describe, expect, it } from 'vitest';
import { createInventoryService } from '../../../src/modules/inventory/inventory.service.js';
import { EVENTS, TASKS } from '../../../src/modules/shared/events.js';
import { AppError } from '../../../src/platform/errors.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { adminCtx, afterSale, eventJob, paidOrderFixture, queuedJobs, stockOf } from '../refunds/after-sale.harness.js';

const db = testDb(60);
const s = afterSale(db);
const f = factories(db);

async function expectCode(p: Promise<unknown>, code: string): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
}

const row = (id: string) => db.order.findUniqueOrThrow({ where: { id }, include: { items: true, payments: true } });

describe('orderAdmin.update: status', () => {
  it('walks PAID -> FULFILLING -> SHIPPED -> COMPLETE, auditing each step', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    expect((await s.orderAdmin.update(ctx, order.id, { status: 'FULFILLING' })).status).toBe('FULFILLING');
    const shipped = await s.orderAdmin.update(ctx, order.id, { status: 'SHIPPED', trackingNumber: '1Z999AA10123456784' });
    expect(shipped).toMatchObject({ status: 'SHIPPED', shippingStatus: 'SHIPPED', trackingNumber: '1Z999AA10123456784' });
    expect(shipped.items).toHaveLength(3);
    expect(shipped.customer.id).toBe(order.customerId);
    expect((await s.orderAdmin.update(ctx, order.id, { status: 'COMPLETE' })).status).toBe('COMPLETE');
    const audit = (await s.audit.listFor(ctx.tenantId, 'Order', order.id)).filter((e) => e.action === 'order.updated');
    expect(audit.map((e) => [e.before, e.after])).toEqual([
      [{ status: 'PAID' }, { status: 'FULFILLING' }],
      [
        { status: 'FULFILLING', shippingStatus: 'PENDING', trackingNumber: null },
        { status: 'SHIPPED', shippingStatus: 'SHIPPED', trackingNumber: '1Z999AA10123456784' },
      ],
      [{ status: 'SHIPPED' }, { status: 'COMPLETE' }],
    ]);
    expect(audit.every((e) => e.actorType === 'PANEL_ADMIN' && e.actorId === 'adm_test')).toBe(true);
  });

  it('"mark as paid" (status PAID) confirms the payment: payment paid, entitlements, order.paid', async () => {
    const { order, ctx } = await paidOrderFixture(db, s, { confirm: false });
    const detail = await s.orderAdmin.update(ctx, order.id, { status: 'PAID' });
    expect(detail.status).toBe('PAID');
    expect(detail.payments[0]!.status).toBe('paid');
    expect(await db.entitlement.count({ where: { orderId: order.id } })).toBe(2);
    expect((await queuedJobs(db, eventJob(EVENTS.orderPaid))).filter((j) => j.payload.orderId === order.id)).toHaveLength(1);
    expect((await s.audit.listFor(ctx.tenantId, 'Order', order.id)).map((e) => e.action)).toEqual(['payment.confirmed']);
  });

  it('status CANCELLED cancels: stock released, payment closed, order.cancelled (admin_cancelled)', async () => {
    const { order, ctx, a, b } = await paidOrderFixture(db, s, { confirm: false });
    const detail = await s.orderAdmin.update(ctx, order.id, { status: 'CANCELLED' });
    expect(detail.status).toBe('CANCELLED');
    expect(detail.payments[0]!.status).toBe('cancelled');
    expect(await stockOf(db, a.id)).toBe(10);
    expect(await stockOf(db, b.id)).toBe(10);
    const jobs = (await queuedJobs(db, eventJob(EVENTS.orderCancelled))).filter((j) => j.payload.orderId === order.id);
    expect(jobs.map((j) => j.payload.reason)).toEqual(['admin_cancelled']);
  });

  it('refuses REFUNDED / PARTIALLY_REFUNDED (refund action only) and transitions not in the table', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    const before = await row(order.id);
    expect((await expectCode(s.orderAdmin.update(ctx, order.id, { status: 'REFUNDED' }), 'INVALID_TRANSITION')).message).toMatch(
      /only through a refund/,
    );
    await expectCode(s.orderAdmin.update(ctx, order.id, { status: 'PARTIALLY_REFUNDED' }), 'INVALID_TRANSITION');
    const back = await expectCode(s.orderAdmin.update(ctx, order.id, { status: 'PENDING_PAYMENT' }), 'INVALID_TRANSITION');
    expect(back.details).toMatchObject({ from: 'PAID', to: 'PENDING_PAYMENT' });
    await expectCode(s.orderAdmin.update(ctx, order.id, { status: 'REFUNDED' }), 'INVALID_TRANSITION');
    expect(await row(order.id)).toEqual(before);
    // Once fulfilment started, an order is refunded, not cancelled.
    await s.orderAdmin.update(ctx, order.id, { status: 'FULFILLING' });
    expect((await expectCode(s.orderAdmin.update(ctx, order.id, { status: 'CANCELLED' }), 'INVALID_TRANSITION')).message).toMatch(
      /refunded/,
    );

    const pending = await paidOrderFixture(db, s, { confirm: false });
    await expectCode(s.orderAdmin.update(pending.ctx, pending.order.id, { status: 'SHIPPED' }), 'INVALID_TRANSITION');
  });

  it('a form that re-sends the current values changes nothing and writes no audit entry', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    await s.orderAdmin.update(ctx, order.id, { status: 'PAID', shippingStatus: 'PENDING', notes: null, trackingNumber: '' });
    expect((await s.audit.listFor(ctx.tenantId, 'Order', order.id)).filter((e) => e.action === 'order.updated')).toHaveLength(0);
  });

  it('keeps tenants apart: NOT_FOUND and nothing changed', async () => {
    const { order } = await paidOrderFixture(db, s);
    const intruder = adminCtx((await f.tenant()).id);
    const before = await row(order.id);
    await expectCode(s.orderAdmin.update(intruder, order.id, { notes: 'mine now', status: 'FULFILLING' }), 'NOT_FOUND');
    await expectCode(s.orderAdmin.cancel(intruder, order.id), 'NOT_FOUND');
    await expectCode(s.orderAdmin.delete(intruder, order.id), 'NOT_FOUND');
    expect(await row(order.id)).toEqual(before);
  });
});

describe('orderAdmin.update: shipping, tracking, notes', () => {
  it('SHIPPED with a tracking number moves the order to SHIPPED; DELIVERED completes it', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    expect(await s.orderAdmin.update(ctx, order.id, { shippingStatus: 'LABEL_CREATED' })).toMatchObject({
      status: 'PAID',
      shippingStatus: 'LABEL_CREATED',
    });
    expect(await s.orderAdmin.update(ctx, order.id, { shippingStatus: 'SHIPPED', trackingNumber: ' TRACK-1 ' })).toMatchObject({
      status: 'SHIPPED',
      shippingStatus: 'SHIPPED',
      trackingNumber: 'TRACK-1',
    });
    expect(await s.orderAdmin.update(ctx, order.id, { shippingStatus: 'DELIVERED' })).toMatchObject({
      status: 'COMPLETE',
      shippingStatus: 'DELIVERED',
    });
  });

  it('shipping of a partially refunded order goes on without touching its status', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    await s.refunds.refund(ctx, order.id, { amountCents: 100 });
    expect(await s.orderAdmin.update(ctx, order.id, { shippingStatus: 'SHIPPED' })).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      shippingStatus: 'SHIPPED',
    });
  });

  it('refuses shipping steps out of order and shipping an unpaid order', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    const err = await expectCode(s.orderAdmin.update(ctx, order.id, { shippingStatus: 'DELIVERED' }), 'INVALID_TRANSITION');
    expect(err.details).toMatchObject({ from: 'PENDING', to: 'DELIVERED' });
    const pending = await paidOrderFixture(db, s, { confirm: false });
    await expectCode(s.orderAdmin.update(pending.ctx, pending.order.id, { shippingStatus: 'SHIPPED' }), 'ORDER_NOT_PAID');
  });

  it('a failed update changes nothing at all (one transaction)', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    const before = await row(order.id);
    await expectCode(s.orderAdmin.update(ctx, order.id, { notes: 'call the customer', shippingStatus: 'DELIVERED' }), 'INVALID_TRANSITION');
    expect(await row(order.id)).toEqual(before);
  });

  it('sets and clears notes and the tracking number', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    expect(await s.orderAdmin.update(ctx, order.id, { notes: 'Gift wrap', trackingNumber: 'T1' })).toMatchObject({
      notes: 'Gift wrap',
      trackingNumber: 'T1',
    });
    expect(await s.orderAdmin.update(ctx, order.id, { notes: '', trackingNumber: null })).toMatchObject({
      notes: null,
      trackingNumber: null,
    });
  });

  it('validates its input', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    await expectCode(s.orderAdmin.update(ctx, order.id, { status: 'LOST' } as never), 'VALIDATION_FAILED');
    await expectCode(s.orderAdmin.update(ctx, order.id, { totalCents: 1 } as never), 'VALIDATION_FAILED');
    await expectCode(s.orderAdmin.update(ctx, order.id, { items: [] }), 'VALIDATION_FAILED');
  });
});

describe('orderAdmin.update: line items', () => {
  /** An unpaid order reserved through the real inventory service: A x2 (stock 10 -> 8), 10% discount, tax 10%. */
  async function unpaidEditable() {
    const { tenant, customer } = await f.shop();
    const a = await f.product({ tenantId: tenant.id, unitPriceCents: 2000, trackStock: true, stock: 10 });
    const b = await f.product({ tenantId: tenant.id, unitPriceCents: 1000, trackStock: true, stock: 1 });
    const discount = await f.discount({ tenantId: tenant.id, type: 'PERCENT', percentOff: 10 });
    // subtotal 4000, discount 400, shipping 500, tax 360 (10% of 3600) -> total 4460
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      discountId: discount.id,
      discountName: discount.name,
      discountCents: 400,
      shippingCents: 500,
      taxAmountCents: 360,
      totalCents: 4460,
      lines: [{ productId: a.id, quantity: 2, unitPriceCents: 2000 }],
    });
    await db.$transaction((tx) =>
      createInventoryService().reserveForOrder(tx, { tenantId: tenant.id, orderId: order.id, lines: [{ productId: a.id, quantity: 2 }] }),
    );
    return { ctx: adminCtx(tenant.id), order, a, b };
  }

  it('changes quantities and lines of an unpaid order: totals, payment amount and stock follow', async () => {
    const { ctx, order, a, b } = await unpaidEditable();
    expect(await stockOf(db, a.id)).toBe(8);
    const detail = await s.orderAdmin.update(ctx, order.id, {
      items: [
        { productId: a.id, quantity: 3 },
        { productId: b.id, quantity: 1 },
      ],
    });
    // subtotal 7000, discount 700, tax 630 (rate kept), shipping 500 -> 7430
    expect(detail).toMatchObject({ subtotalCents: 7000, discountCents: 700, taxAmountCents: 630, shippingCents: 500, totalCents: 7430 });
    expect(detail.items.map((i) => [i.productId, i.quantity, i.unitPriceCents]).sort()).toEqual(
      [
        [a.id, 3, 2000],
        [b.id, 1, 1000],
      ].sort(),
    );
    expect(detail.payments[0]!.amountCents).toBe(7430);
    expect(await stockOf(db, a.id)).toBe(7);
    expect(await stockOf(db, b.id)).toBe(0);
    const audit = await s.audit.listFor(ctx.tenantId, 'Order', order.id);
    expect(audit.map((e) => e.action)).toEqual(['order.items_changed']);

    const smaller = await s.orderAdmin.update(ctx, order.id, { items: [{ productId: a.id, quantity: 1 }] });
    expect(smaller).toMatchObject({ subtotalCents: 2000, discountCents: 200, taxAmountCents: 180, totalCents: 2480 });
    expect(await stockOf(db, a.id)).toBe(9);
    expect(await stockOf(db, b.id)).toBe(1);
  });

  it('rolls the whole edit back when stock is short', async () => {
    const { ctx, order, a, b } = await unpaidEditable();
    const before = await row(order.id);
    await expectCode(
      s.orderAdmin.update(ctx, order.id, {
        items: [
          { productId: a.id, quantity: 2 },
          { productId: b.id, quantity: 2 },
        ],
      }),
      'OUT_OF_STOCK',
    );
    expect(await row(order.id)).toEqual(before);
    expect(await stockOf(db, a.id)).toBe(8);
    expect(await stockOf(db, b.id)).toBe(1);
  });

  it('freezes the lines once the order is paid (refund instead)', async () => {
    const { order, ctx, a } = await paidOrderFixture(db, s);
    const err = await expectCode(s.orderAdmin.update(ctx, order.id, { items: [{ productId: a.id, quantity: 1 }] }), 'INVALID_TRANSITION');
    expect(err.message).toMatch(/refund items instead/);
  });

  it('refuses a product of another shop', async () => {
    const { ctx, order } = await unpaidEditable();
    const foreign = await f.product({ tenantId: (await f.tenant()).id });
    await expectCode(s.orderAdmin.update(ctx, order.id, { items: [{ productId: foreign.id, quantity: 1 }] }), 'NOT_FOUND');
  });
});

describe('orderAdmin.cancel', () => {
  it('cancels an unpaid order once (idempotent) with the note on the event', async () => {
    const { order, ctx, a } = await paidOrderFixture(db, s, { confirm: false });
    const first = await s.orderAdmin.cancel(ctx, order.id, { note: 'Customer asked' });
    const again = await s.orderAdmin.cancel(ctx, order.id);
    expect(first.changed).toBe(true);
    expect(again.changed).toBe(false);
    expect(await stockOf(db, a.id)).toBe(10);
    const jobs = (await queuedJobs(db, eventJob(EVENTS.orderCancelled))).filter((j) => j.payload.orderId === order.id);
    expect(jobs.map((j) => j.payload)).toEqual([
      { tenantId: ctx.tenantId, orderId: order.id, reason: 'admin_cancelled', note: 'Customer asked' },
    ]);
  });

  it('refuses an order whose fulfilment started and says it is refunded instead', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    await s.orderAdmin.update(ctx, order.id, { status: 'FULFILLING' });
    expect((await expectCode(s.orderAdmin.cancel(ctx, order.id), 'INVALID_TRANSITION')).message).toMatch(/refunded/);
  });

  it('cancels a PAID order only with the refund it makes confirmed: without it, or with another amount, nothing is written', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    const state = async () => ({
      order: await row(order.id),
      refunds: await db.refund.findMany({ where: { orderId: order.id } }),
      reservations: await db.inventoryReservation.findMany({ where: { orderId: order.id }, orderBy: { productId: 'asc' } }),
      entitlements: await db.entitlement.findMany({ where: { orderId: order.id }, orderBy: { id: 'asc' } }),
      audit: await s.audit.listFor(ctx.tenantId, 'Order', order.id),
      jobs: (await queuedJobs(db, eventJob(EVENTS.orderCancelled))).filter((j) => j.payload.orderId === order.id),
    });
    const before = await state();
    const asked = await expectCode(s.orderAdmin.cancel(ctx, order.id), 'REFUND_CONFIRMATION_REQUIRED');
    expect(asked.message).toBe(
      `Cancelling order #${order.number} refunds $86.00 to the customer (no money is sent: the shop sends it back by hand) and puts 5 items back in stock. Nothing was changed: to go ahead, send the change again with confirmRefundCents 8600.`,
    );
    expect(asked.details).toEqual({
      orderNumber: order.number,
      currency: 'USD',
      refundCents: 8600,
      processorCents: 0,
      processorMethod: null,
      byHandCents: 8600,
      byHandMethod: 'VENMO_P2P',
      restockedUnits: 5,
      confirmedCents: null,
    });
    // The edit's Save (status CANCELLED) asks the same; an amount that is not the refund's is no confirmation.
    await expectCode(s.orderAdmin.update(ctx, order.id, { status: 'CANCELLED', notes: 'bye' }), 'REFUND_CONFIRMATION_REQUIRED');
    const other = await expectCode(
      s.orderAdmin.update(ctx, order.id, { status: 'CANCELLED', confirmRefundCents: 6400 }),
      'REFUND_CONFIRMATION_REQUIRED',
    );
    expect(other.message).toMatch(/^The refund is no longer the \$64\.00 that was confirmed\. Cancelling order #\d+ refunds \$86\.00/);
    expect(other.details).toMatchObject({ refundCents: 8600, confirmedCents: 6400 });
    expect(await state()).toEqual(before);

    const detail = await s.orderAdmin.update(ctx, order.id, { status: 'CANCELLED', confirmRefundCents: 8600 });
    expect(detail).toMatchObject({ status: 'CANCELLED', refundedTotalCents: 8600 });
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(1);
  });

  it('cancels a PAID order: refunded in full (owed by hand for a manual method), stock back, roles revoked, CANCELLED', async () => {
    const { order, ctx, a, b, roleA } = await paidOrderFixture(db, s);
    const { changed } = await s.orderAdmin.cancel(ctx, order.id, { note: 'Out of business', confirmRefundCents: 8600 });
    expect(changed).toBe(true);
    const detail = await db.order.findUniqueOrThrow({ where: { id: order.id }, include: { refunds: true, payments: true } });
    expect(detail.status).toBe('CANCELLED');
    expect(detail.cancelledAt).not.toBeNull();
    expect(detail.refundedTotalCents).toBe(8600);
    expect(detail.refunds).toHaveLength(1);
    expect(detail.refunds[0]).toMatchObject({ mode: 'FULL', amountCents: 8600, reason: 'Out of business' });
    expect(detail.payments[0]!.status).toBe('refunded');
    expect(await stockOf(db, a.id)).toBe(10);
    expect(await stockOf(db, b.id)).toBe(10);
    const ents = await db.entitlement.findMany({ where: { orderId: order.id, roleId: roleA } });
    expect(ents.map((e) => e.status)).toEqual(['REVOKED']);
    const cancelled = (await queuedJobs(db, eventJob(EVENTS.orderCancelled))).filter((j) => j.payload.orderId === order.id);
    expect(cancelled.map((j) => j.payload.reason)).toEqual(['admin_cancelled']);
    const audit = await s.audit.listFor(ctx.tenantId, 'Order', order.id);
    expect(audit.find((e) => e.action === 'order.cancelled')?.after).toMatchObject({ moneyReturn: 'manual', refundedCents: 8600 });
    // Cancelled is terminal: a repeat changes nothing.
    expect((await s.orderAdmin.cancel(ctx, order.id)).changed).toBe(false);
  });
});

describe('orderAdmin.delete', () => {
  it('releases unreleased stock, revokes entitlements (with role jobs), audits a snapshot, then deletes', async () => {
    const { order, ctx, a, b, roleA, customer } = await paidOrderFixture(db, s);
    await s.refunds.refund(ctx, order.id, { items: [{ productId: b.id, quantity: 1 }] });
    const res = await s.orderAdmin.delete(ctx, order.id);

    expect(res.releasedStock.sort((x, y) => x.productId.localeCompare(y.productId))).toEqual(
      [
        { productId: a.id, quantity: 2 },
        { productId: b.id, quantity: 2 },
      ].sort((x, y) => x.productId.localeCompare(y.productId)),
    );
    expect(res.revokedEntitlementIds).toHaveLength(2);
    expect(await stockOf(db, a.id)).toBe(10);
    expect(await stockOf(db, b.id)).toBe(10);
    expect(await db.order.findUnique({ where: { id: order.id } })).toBeNull();
    expect(await db.entitlement.count({ where: { orderId: order.id } })).toBe(0);
    const revokes = (await queuedJobs(db, TASKS.roleRemove)).filter((j) => j.payload.orderId === order.id);
    expect(revokes).toHaveLength(2);
    expect(revokes.find((j) => j.payload.roleId === roleA)!.payload).toMatchObject({
      customerId: customer.id,
      guildId: order.guildId,
      reason: `Order #${order.number} deleted`,
    });
    const audit = await s.audit.listFor(ctx.tenantId, 'Order', order.id);
    const entry = audit.find((e) => e.action === 'order.deleted')!;
    expect(entry.before).toMatchObject({ id: order.id, number: order.number, totalCents: 8600, refundedTotalCents: 538 });
    expect((entry.before as { items: unknown[] }).items).toHaveLength(3);
    expect((entry.before as { refunds: unknown[] }).refunds).toHaveLength(1);
  });

  it('deletes an unpaid order and gives its reserved stock back', async () => {
    const { order, ctx, a } = await paidOrderFixture(db, s, { confirm: false });
    await s.orderAdmin.delete(ctx, order.id);
    expect(await stockOf(db, a.id)).toBe(10);
    await expectCode(s.orderAdmin.delete(ctx, order.id), 'NOT_FOUND');
  });
});
