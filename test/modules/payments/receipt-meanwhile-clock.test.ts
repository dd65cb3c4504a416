// /payment-confirm amount:'s "recorded meanwhile" check compared the command's send time, read on the handling
// instance's clock, with the receipts' createdAt, written from the writing instance's clock. Several instances run, and
// their clocks differ from each other and from PostgreSQL's: the same transfer recorded after the command was sent, by
// an instance running behind, was dated before it and taken as seen (recorded twice); one recorded before it was
// refused as recorded meanwhile on an instance running behind. A form's amount received (the admin post's "Record
// amount received", the panel) picked the wrong rows as the newest. Now both sides are on the database's clock:
// receipts are dated by it, and the send time is put on it (its age on the instance's clock).
import { describe, expect, it } from 'vitest';
import { createPaymentService } from '../../../src/modules/payments/payment.service.js';
import { testDb } from '../../helpers/db.js';
import { onInstanceSkewed, skewedClock } from '../../helpers/instance-clock.js';
import { afterSale, paidOrderFixture } from '../refunds/after-sale.harness.js';

const db = testDb(60);
const s = afterSale(db);

/** How far an instance's clock is from the database's: minutes, well beyond the seconds between the steps here. */
const SKEW_SECS = 10 * 60;

const received = async (orderId: string) => (await db.order.findUniqueOrThrow({ where: { id: orderId } })).amountReceivedCents;

describe("/payment-confirm's send time and the receipts recorded meanwhile, on the database's clock", () => {
  it('a receipt recorded after the command was sent, by an instance whose clock runs behind, refuses it', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    const sentAt = s.deps.clock.now();
    // Another admin records the same $10.00 transfer, on an instance 10 minutes behind.
    await onInstanceSkewed(db, -SKEW_SECS, () => s.payments.recordReceipt(ctx, { orderId: order.id }, { amountCents: 1000 }));
    // Before: dated 10 minutes before the send, taken as seen, and the transfer recorded twice.
    const err = await s.payments.recordReceipt(ctx, { orderId: order.id }, { amountCents: 1000, sentAt }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('recorded $10.00 meanwhile') });
    expect(await received(order.id)).toBe(9600);
  });

  it('a receipt recorded after the command was sent refuses it when the sending instance’s clock runs ahead', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    const aheadClock = await skewedClock(db, SKEW_SECS);
    const ahead = createPaymentService({ ...s.deps, clock: aheadClock });
    const sentAt = aheadClock.now();
    await s.payments.recordReceipt(ctx, { orderId: order.id }, { amountCents: 1000 });
    // Before: the send time read 10 minutes ahead, after the receipt: taken as seen.
    const err = await ahead.recordReceipt(ctx, { orderId: order.id }, { amountCents: 1000, sentAt }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('recorded $10.00 meanwhile') });
    expect(await received(order.id)).toBe(9600);
  });

  it('a receipt recorded before the command was sent is seen, on an instance whose clock runs behind', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    await s.payments.recordReceipt(ctx, { orderId: order.id }, { amountCents: 1000 });
    const behindClock = await skewedClock(db, -SKEW_SECS);
    const behind = createPaymentService({ ...s.deps, clock: behindClock });
    const sentAt = behindClock.now();
    // Before: refused as recorded meanwhile (dated 10 minutes after the send by the sending clock).
    const r = await behind.recordReceipt(ctx, { orderId: order.id }, { amountCents: 500, sentAt });
    expect(r.order.amountReceivedCents).toBe(10100);
  });

  it("a form's amount received: the receipt recorded since it was shown is the newest, whatever instance wrote it", async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    await s.payments.recordReceipt(ctx, { orderId: order.id }, { amountCents: 2000, receivedCentsShown: 8600 });
    // The form shows $106.00 received; meanwhile an instance 10 minutes behind records $5.00.
    await onInstanceSkewed(db, -SKEW_SECS, () =>
      s.payments.recordReceipt(ctx, { orderId: order.id }, { amountCents: 500, receivedCentsShown: 10600 }),
    );
    // Before: the $5.00 was dated older than the $20.00, so no newest receipts made up the $5.00: "does not match".
    const err = await s.payments
      .recordReceipt(ctx, { orderId: order.id }, { amountCents: 1000, receivedCentsShown: 10600 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('recorded $5.00 meanwhile') });
    expect(await received(order.id)).toBe(11100);
  });
});
