// A part payment recorded, then the payment rejected from the admin post: the order is cancelled and what came in is
// owed back (orders/cancel-unpaid.ts records it to send by hand with the order's method). The post said "$35.00 still
// owed" after the rejection and never asked the admins to return the $20.00 the customer was told is coming back; it
// now says what was received and that it must be returned, how, both in the click's answer and once the cancel's
// admin-message job has refreshed it.
import { describe, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { waitFor } from '../helpers/wait-for.js';
import { partPaidZelleOrder } from './part-paid-order.js';
import { componentInteraction, interact, modalInteraction, textOf, useHarness } from './harness.js';

const db = testDb();
const h = useHarness({ worker: true });

const OWED_BACK =
  "$20.00 of $55.00 received · **cancelled: return $20.00** to the customer by Zelle, then tick it done on the order's page in the admin panel";

describe('rejecting the payment of a partly paid order from the admin post', () => {
  it('the post says the $20.00 received must be returned by Zelle, not that $35.00 is still owed', async () => {
    const { order, content, post, admins } = await partPaidZelleOrder(h);
    const admin = admins[0]!;

    const opened = await interact(h, componentInteraction(admin, `payment:reject:${order.payment.id}`, { message: post() }));
    expect(opened.type).toBe(9);
    const rejected = await interact(
      h,
      modalInteraction(admin, `payment:reject-modal:${order.payment.id}`, { reason: 'Wrong amount sent' }, post()),
    );
    expect(rejected.type).toBe(7);
    expect(textOf(rejected)).toContain(`Rejected by <@${admin.user.id}>: Wrong amount sent`);
    expect(textOf(rejected)).toContain(OWED_BACK);
    expect(textOf(rejected)).not.toContain('still owed');
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({
      status: 'CANCELLED',
      amountReceivedCents: 2000,
      refundedTotalCents: 2000,
    });

    // The cancel's admin-message job edits the post to the order as it is: the same words.
    await waitFor('the post refreshed after the cancel', () => (content().includes('Payment rejected') ? true : null));
    expect(content()).toContain(JSON.stringify(OWED_BACK).slice(1, -1));
    expect(content()).not.toContain('still owed');
  });
});
