// A part payment recorded, then the payment rejected from the admin post: the order is cancelled and what came in is
// owed back (orders/cancel-unpaid.ts records it to send by hand with the order's method). The post said "$35.00 still
// owed" after the rejection and never asked the admins to return the $20.00 the customer was told is coming back; it
// now says what was received and that it must be returned, how, both in the click's answer and once the cancel's
// admin-message job has refreshed it.
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { waitFor } from '../helpers/wait-for.js';
import { postedAdminMessage } from './admin-post.js';
import { commandInteraction, componentInteraction, interact, member, modalInteraction, textOf, useHarness } from './harness.js';

const f = factories();
const db = testDb();
const h = useHarness({ worker: true });

const OWED_BACK =
  "$20.00 of $55.00 received · **cancelled: return $20.00** to the customer by Zelle, then tick it done on the order's page in the admin panel";

describe('rejecting the payment of a partly paid order from the admin post', () => {
  it('the post says the $20.00 received must be returned by Zelle, not that $35.00 is still owed', async () => {
    const s = await f.shop();
    const order = await f.order({
      tenantId: s.tenant.id,
      customerId: s.customer.id,
      guildId: s.guild.id,
      paymentMethod: 'ZELLE',
      lines: [{ productId: s.products[0]!.id, name: 'Tee', quantity: 1, unitPriceCents: 5500 }],
    });
    const posted = await postedAdminMessage(h.t.services.bus, () => h.fake, s.tenant.id, order.id);
    const content = () => JSON.stringify(posted.now() ?? {});
    const admin = { guildId: s.guild.id, user: member({ roles: [s.tenant.adminRoleIds[0]!] }) };
    await interact(h, commandInteraction(admin, 'payment-confirm', { orderid: String(order.number), amount: 2000 }));
    await waitFor('the post to show the $20.00 received', () => (content().includes('$35.00 still owed') ? true : null));
    const post = () => ({ id: posted.messageId, channel_id: posted.channelId, ...(posted.now() ?? {}) });

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
