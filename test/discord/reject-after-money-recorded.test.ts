// Reject on the admin post, while another admin records money on the same order: the modal carries what the order had
// received when it opened, and the rejection is refused under the order's lock when money was recorded since. Before,
// admin B typing "No payment received" cancelled an order admin A had just recorded $10.00 on: the customer was told
// their payment was rejected for no payment, their stock released, and the money became a "send it back" to-do.
import { describe, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { postedAdminMessage } from './admin-post.js';
import { waitFor } from '../helpers/wait-for.js';
import { partPaidZelleOrder } from './part-paid-order.js';
import { commandInteraction, componentInteraction, interact, member, modalInteraction, textOf, useHarness } from './harness.js';

const db = testDb();
const h = useHarness({ worker: true });

type Admin = Awaited<ReturnType<typeof partPaidZelleOrder>>['admins'][number];

/** The custom id of the post's button labelled `label`. */
function buttonOf(post: Record<string, unknown>, label: string): string {
  const buttons = ((post.components ?? []) as { components: { custom_id?: string; label?: string }[] }[]).flatMap((r) => r.components);
  const button = buttons.find((b) => b.label === label);
  expect(button, `the post's "${label}" button`).toBeDefined();
  return button!.custom_id!;
}

/** Presses a button of the post as Discord shows it now; the modal it opens (its custom id and title). */
async function press(admin: Admin, post: Record<string, unknown>, label: string) {
  const opened = await interact(h, componentInteraction(admin, buttonOf(post, label), { message: post }));
  expect(opened.type).toBe(9);
  return opened.data as { custom_id: string; title: string };
}

describe('Reject on the admin post while money is recorded on the order', () => {
  it('refuses a rejection typed before money recorded meanwhile, redraws the post, and rejects from the redrawn one', async () => {
    const { s, order, content, post, admins } = await partPaidZelleOrder(h, 2);
    const [a, b] = admins as [Admin, Admin];

    // B opens Reject: the modal says what the order has received, and carries it.
    const rejecting = await press(b, post(), 'Reject');
    expect(rejecting.custom_id).toBe(`payment:reject-modal:${order.payment.id}:r2000`);
    expect(rejecting.title).toBe('Reject payment ($20.00 received)');

    // Meanwhile A records $10.00 from the same post.
    const recording = await press(a, post(), 'Record amount received');
    const recorded = await interact(h, modalInteraction(a, recording.custom_id, { amount: '10.00', note: 'zelle 2' }, post()));
    expect(textOf(recorded)).toContain('$30.00 of $55.00 received');

    // B submits the reason typed before: refused, to B alone, naming A and what they recorded; nothing changed.
    const refused = await interact(h, modalInteraction(b, rejecting.custom_id, { reason: 'No payment received' }, post()));
    expect(refused.data.flags).toBe(64);
    expect(textOf(refused)).toContain(
      `Order #${order.number} now has $25.00 still owed ($30.00 received): <@${a.user.id}> recorded $10.00 meanwhile. The payment was not rejected and the order was not cancelled.`,
    );
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({
      status: 'PENDING_PAYMENT',
      amountReceivedCents: 3000,
    });
    expect(await db.payment.findUniqueOrThrow({ where: { id: order.payment.id } })).toMatchObject({
      status: 'awaiting_admin_approval',
      rejectedReason: null,
    });
    expect(
      h.fake.directMessages().filter((m) => m.userId === s.customer.discordUserId && JSON.stringify(m.body).includes('reject')),
    ).toEqual([]);

    // The post is drawn again with the $30.00; Reject from it now carries that, and rejects.
    await waitFor('the post to show $30.00 received', () => (content().includes('$25.00 still owed') ? true : null));
    const again = await press(b, post(), 'Reject');
    expect(again.custom_id).toBe(`payment:reject-modal:${order.payment.id}:r3000`);
    const rejected = await interact(h, modalInteraction(b, again.custom_id, { reason: 'Paid the wrong shop' }, post()));
    expect(textOf(rejected)).toContain(`Rejected by <@${b.user.id}>: Paid the wrong shop`);
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: 'CANCELLED', amountReceivedCents: 3000 });
  });

  it('Reject pressed on a post still showing less than the order has received is refused at the press', async () => {
    const { order, post, admins } = await partPaidZelleOrder(h, 2);
    const [a, b] = admins as [Admin, Admin];
    const stale = post();
    // A records $10.00 elsewhere (/payment-confirm): B's Discord still shows the post as it was, $20.00 received.
    await interact(h, commandInteraction(a, 'payment-confirm', { orderid: String(order.number), amount: 1000 }));
    const refused = await interact(h, componentInteraction(b, buttonOf(stale, 'Reject'), { message: stale }));
    expect(refused.type).toBe(4);
    expect(refused.data.flags).toBe(64);
    expect(textOf(refused)).toContain(
      `Order #${order.number} now has $25.00 still owed ($30.00 received): <@${a.user.id}> recorded $10.00 meanwhile. Nothing was rejected and the order was not cancelled. This post is being refreshed`,
    );
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({
      status: 'PENDING_PAYMENT',
      amountReceivedCents: 3000,
    });
  });

  it('a modal opened before it carried an amount received rejects as before; an order with nothing received says no amount', async () => {
    const { order, post, admins } = await partPaidZelleOrder(h, 1);
    const [a] = admins as [Admin];
    const old = await interact(h, modalInteraction(a, `payment:reject-modal:${order.payment.id}`, { reason: 'Duplicate order' }, post()));
    expect(textOf(old)).toContain(`Rejected by <@${a.user.id}>: Duplicate order`);
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: 'CANCELLED' });

    // An order nothing was recorded on: the modal's title names no amount, and it carries r0.
    const { shop, order: unpaid } = await factories().unpaidZelleOrder();
    const posted = await postedAdminMessage(h.t.services.bus, () => h.fake, shop.tenant.id, unpaid.id);
    const fresh = await press(
      { guildId: shop.guild.id, user: member({ roles: [shop.tenant.adminRoleIds[0]!] }) },
      { id: posted.messageId, channel_id: posted.channelId, ...(posted.now() ?? {}) },
      'Reject',
    );
    expect(fresh).toMatchObject({ custom_id: `payment:reject-modal:${unpaid.payment.id}:r0`, title: 'Reject payment' });
  });
});
