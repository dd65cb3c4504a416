// /refund's "refunded meanwhile" check compared the command's send time, read on the handling instance's clock, with
// the refunds' createdAt, written from the writing instance's clock. Several instances run, and their clocks differ
// from each other and from PostgreSQL's: a refund recorded after the command was sent, by an instance running behind,
// was dated before it and taken as seen (the customer refunded twice); one recorded before it, by an instance
// running ahead, or judged on an instance running behind, was refused as recorded meanwhile. A form's amount
// (the panel's refund form, the REST API's expectedRefundedCents) picked the wrong rows as the newest. Now both sides
// are on the database's clock: refunds are dated by it, and the send time is put on it (the age on the instance's clock).
import { describe, expect, it } from 'vitest';
import { createRefundService } from '../../../src/modules/refunds/refund.service.js';
import { testDb } from '../../helpers/db.js';
import { onInstanceSkewed, skewedClock } from '../../helpers/instance-clock.js';
import { afterSale, paidOrderFixture } from './after-sale.harness.js';

const db = testDb(60);
const s = afterSale(db);

/** How far an instance's clock is from the database's: minutes, well beyond the seconds between the steps here. */
const SKEW_SECS = 10 * 60;

const refundedTotal = async (orderId: string) => (await db.order.findUniqueOrThrow({ where: { id: orderId } })).refundedTotalCents;

describe("/refund's send time and the refunds recorded meanwhile, on the database's clock", () => {
  it('a refund recorded after the command was sent, by an instance whose clock runs behind, refuses it', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    const sentAt = s.deps.clock.now();
    // Another admin's $10.00, written by an instance 10 minutes behind.
    await onInstanceSkewed(db, -SKEW_SECS, () => s.refunds.refund(ctx, order.id, { amountCents: 1000 }));
    // Before: dated 10 minutes before the send, taken as seen, and $10.00 refunded again.
    const err = await s.refunds.refund(ctx, order.id, { amountCents: 1000, seen: { sentAt } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('was refunded meanwhile: $10.00 by ') });
    expect(await refundedTotal(order.id)).toBe(1000);
  });

  it('a refund recorded after the command was sent refuses it when the sending instance’s clock runs ahead', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    const aheadClock = await skewedClock(db, SKEW_SECS);
    const ahead = createRefundService({ ...s.deps, clock: aheadClock });
    const sentAt = aheadClock.now();
    await s.refunds.refund(ctx, order.id, { amountCents: 1000 });
    // Before: the send time read 10 minutes ahead, after the refund: taken as seen.
    const err = await ahead.refund(ctx, order.id, { amountCents: 1000, seen: { sentAt } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('was refunded meanwhile: $10.00 by ') });
    expect(await refundedTotal(order.id)).toBe(1000);
  });

  it('a refund recorded before the command was sent is seen, on an instance whose clock runs behind and by one whose clock runs ahead', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    // Written by an instance 10 minutes ahead, before the command.
    await onInstanceSkewed(db, SKEW_SECS, () => s.refunds.refund(ctx, order.id, { amountCents: 1000 }));
    const behindClock = await skewedClock(db, -SKEW_SECS);
    const behind = createRefundService({ ...s.deps, clock: behindClock });
    const sentAt = behindClock.now();
    // Before: refused as refunded meanwhile (dated 10 minutes after the send, and 20 after it by the sending clock).
    const done = await behind.refund(ctx, order.id, { amountCents: 500, seen: { sentAt } });
    expect(done.order.refundedTotalCents).toBe(1500);
  });

  it("a form's amount refunded: the refund recorded since it was shown is the newest, whatever instance wrote it", async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    await s.refunds.refund(ctx, order.id, { amountCents: 2000, seen: { refundedCents: 0 } });
    // The form shows $20.00 refunded; meanwhile an instance 10 minutes behind records $5.00.
    await onInstanceSkewed(db, -SKEW_SECS, () => s.refunds.refund(ctx, order.id, { amountCents: 500, seen: { refundedCents: 2000 } }));
    // Before: the $5.00 was dated older than the $20.00, so no newest refunds made up the $5.00: "does not match".
    const err = await s.refunds.refund(ctx, order.id, { amountCents: 1000, seen: { refundedCents: 2000 } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('was refunded meanwhile: $5.00 by ') });
    expect(await refundedTotal(order.id)).toBe(2500);
  });
});
