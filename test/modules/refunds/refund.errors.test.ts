// Every refund error code, each leaving the order exactly as it was; tenant isolation.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/platform/errors.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { adminCtx, afterSale, paidOrderFixture, stockOf } from './after-sale.harness.js';

const db = testDb(60);
const s = afterSale(db);
const f = factories(db);

/** Snapshot of everything a refund could touch. */
async function state(orderId: string) {
  const order = await db.order.findUniqueOrThrow({
    where: { id: orderId },
    include: { items: true, payments: true, refunds: true, entitlements: true, reservations: true },
  });
  return order;
}

async function expectRefused(
  p: Promise<unknown>,
  code: string,
  orderId: string,
  before: Awaited<ReturnType<typeof state>>,
): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  expect(await state(orderId)).toEqual(before);
  return err as AppError;
}

describe('refund errors', () => {
  it('REFUND_EXCEEDS_BALANCE: an amount above the remaining balance', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    const before = await state(order.id);
    const err = await expectRefused(s.refunds.refund(ctx, order.id, { amountCents: 8601 }), 'REFUND_EXCEEDS_BALANCE', order.id, before);
    expect(err.message).toContain('$86.00');
    expect(err.details).toMatchObject({ amountCents: 8601, remainingCents: 8600 });
  });

  it('REFUND_EXCEEDS_BALANCE: items whose price is more than what is left', async () => {
    const { order, ctx, a } = await paidOrderFixture(db, s);
    await s.refunds.refund(ctx, order.id, { amountCents: 8000 });
    const before = await state(order.id);
    await expectRefused(
      s.refunds.refund(ctx, order.id, { items: [{ productId: a.id, quantity: 1 }] }),
      'REFUND_EXCEEDS_BALANCE',
      order.id,
      before,
    );
  });

  it('REFUND_EXCEEDS_QUANTITY: more units than bought, or than bought minus refunded', async () => {
    const { order, ctx, a } = await paidOrderFixture(db, s);
    let before = await state(order.id);
    await expectRefused(
      s.refunds.refund(ctx, order.id, { items: [{ productId: a.id, quantity: 3 }] }),
      'REFUND_EXCEEDS_QUANTITY',
      order.id,
      before,
    );
    await s.refunds.refund(ctx, order.id, { items: [{ productId: a.id, quantity: 2 }] });
    before = await state(order.id);
    const err = await expectRefused(
      s.refunds.refund(ctx, order.id, { items: [{ productId: a.id, quantity: 1 }] }),
      'REFUND_EXCEEDS_QUANTITY',
      order.id,
      before,
    );
    expect(err.message).toContain('2 bought, 2 already refunded');
    expect(await stockOf(db, a.id)).toBe(10);
  });

  it('REFUND_PRODUCT_NOT_ON_ORDER', async () => {
    const { order, ctx, tenant } = await paidOrderFixture(db, s);
    const stranger = await f.product({ tenantId: tenant.id });
    const before = await state(order.id);
    const err = await expectRefused(
      s.refunds.refund(ctx, order.id, { items: [{ productId: stranger.id, quantity: 1 }] }),
      'REFUND_PRODUCT_NOT_ON_ORDER',
      order.id,
      before,
    );
    expect(err.details).toEqual({ productId: stranger.id });
  });

  it.each([0, -5, 12.5, Number.MAX_SAFE_INTEGER + 2])('REFUND_AMOUNT_INVALID for amount %s', async (amountCents) => {
    const { order, ctx } = await paidOrderFixture(db, s);
    const before = await state(order.id);
    await expectRefused(s.refunds.refund(ctx, order.id, { amountCents }), 'REFUND_AMOUNT_INVALID', order.id, before);
    await expect(s.refunds.preview(ctx, order.id, { amountCents })).rejects.toMatchObject({ code: 'REFUND_AMOUNT_INVALID' });
  });

  it('VALIDATION_FAILED for a quantity below 1 or not whole', async () => {
    const { order, ctx, a } = await paidOrderFixture(db, s);
    const before = await state(order.id);
    await expectRefused(
      s.refunds.refund(ctx, order.id, { items: [{ productId: a.id, quantity: 0 }] }),
      'VALIDATION_FAILED',
      order.id,
      before,
    );
    await expectRefused(
      s.refunds.refund(ctx, order.id, { items: [{ productId: a.id, quantity: 1.5 }] }),
      'VALIDATION_FAILED',
      order.id,
      before,
    );
  });

  it('ORDER_NOT_PAID for an order still waiting for payment, pointing to cancel', async () => {
    const { order, ctx } = await paidOrderFixture(db, s, { confirm: false });
    const before = await state(order.id);
    const err = await expectRefused(s.refunds.refund(ctx, order.id, {}), 'ORDER_NOT_PAID', order.id, before);
    expect(err.message).toMatch(/Cancel it instead/);
  });

  it('ORDER_NOT_PAID for an order cancelled before payment', async () => {
    const { order, ctx } = await paidOrderFixture(db, s, { confirm: false });
    await s.orderAdmin.cancel(ctx, order.id);
    const before = await state(order.id);
    await expectRefused(s.refunds.refund(ctx, order.id, { amountCents: 100 }), 'ORDER_NOT_PAID', order.id, before);
  });

  it('REFUND_NOTHING_LEFT once fully refunded', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    await s.refunds.refund(ctx, order.id, {});
    const before = await state(order.id);
    await expectRefused(s.refunds.refund(ctx, order.id, {}), 'REFUND_NOTHING_LEFT', order.id, before);
    await expectRefused(s.refunds.refund(ctx, order.id, { amountCents: 1 }), 'REFUND_NOTHING_LEFT', order.id, before);
  });

  it("NOT_FOUND for another tenant's order, refund and preview alike, and nothing changes", async () => {
    const { order } = await paidOrderFixture(db, s);
    const intruder = adminCtx((await f.tenant()).id);
    const before = await state(order.id);
    await expectRefused(s.refunds.refund(intruder, order.id, {}), 'NOT_FOUND', order.id, before);
    await expectRefused(s.refunds.preview(intruder, order.id, {}), 'NOT_FOUND', order.id, before);
  });

  it('VALIDATION_FAILED for unknown fields', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    await expect(s.refunds.refund(ctx, order.id, { amount: 5 } as never)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
