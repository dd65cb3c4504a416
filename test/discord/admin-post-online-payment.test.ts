// The admin channel's post for an order paid online (PayPal here; Cash App Pay and Bitcoin invoices alike): the
// provider's confirmation marks it paid, so the post offers no "Approve payment"; money that reached the shop
// another way is still recorded by hand, and the checkout the customer left open is closed at PayPal, never charged
// (an abandoned checkout must not block the shop). A Venmo order's Approve still works, and the click's own answer
// shows the decision, not the old "Approve once..." instruction.
// Signed interactions through the endpoint, the fake PayPal and the fake Discord on the wire.
import { describe, expect, it } from 'vitest';
import { EVENTS } from '../../src/modules/shared/events.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { waitFor } from '../helpers/wait-for.js';
import { MovableClock } from '../http/invoice/invoice-fixtures.js';
import { usePayPalApp } from '../http/invoice/paypal-fixtures.js';
import { componentInteraction, customIdsOf, interact, member, modalInteraction, textOf, type Harness } from './harness.js';

const clock = new MovableClock();
const db = testDb();
const f = factories();
const { env, payPalOrder, startCheckout, discordApi } = usePayPalApp(clock);
const h = (): Harness => ({ t: env.t, fake: discordApi(), stop: () => Promise.resolve() });

type Posted = { embeds: { description?: string }[]; components: { components: { custom_id?: string; label?: string }[] }[] };

/** Emits order.created as submit does and returns the admin post the job sent, as Discord echoes it on a click. */
async function adminPost(order: { id: string; tenantId: string; number: number }) {
  const { adminChannelId } = await db.tenant.findUniqueOrThrow({ where: { id: order.tenantId } });
  await env.t.services.bus.emit(db, EVENTS.orderCreated, { tenantId: order.tenantId, orderId: order.id });
  const call = await discordApi().waitFor(
    (c) => c.method === 'POST' && c.path === `/channels/${adminChannelId}/messages` && JSON.stringify(c.body).includes(`#${order.number}`),
  );
  const body = call.body as Posted;
  return { id: '990000000000000001', channel_id: call.path.split('/')[2], embeds: body.embeds, components: body.components };
}

async function adminOf(tenantId: string, guildId: string) {
  const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
  return { guildId, user: member({ roles: [tenant.adminRoleIds[0]!] }) };
}

describe('the admin post of an order paid online', () => {
  it('offers no Approve; money that reached the shop another way is still recorded, and the open PayPal checkout is closed', async () => {
    const { tenant, order, path } = await payPalOrder({ paymentStatus: 'pending' });
    const post = await adminPost(order);
    const ids = post.components.flatMap((r) => r.components.map((c) => c.custom_id ?? ''));
    expect(ids).not.toContain(`payment:approve:${order.payment.id}`);
    expect(ids).toContain(`payment:reject:${order.payment.id}`);
    expect(post.embeds[0]!.description).toContain('Paid online with PayPal: the order turns paid when PayPal confirms the payment');

    // The buyer presses "Pay with PayPal" and leaves it there; the money reaches the shop another way. An open
    // checkout does not block the shop (it may stay open for hours): the admin records the money...
    const { paypalOrderId, checkout } = await startCheckout(path);
    const admin = await adminOf(tenant.id, order.guildId!);
    const part = await interact(h(), modalInteraction(admin, `payment:receipt-modal:${order.payment.id}`, { amount: '42.50' }, post));
    expect(textOf(part)).not.toMatch(/refused|Wait for it/);
    await waitFor(
      'the order paid by hand',
      async () => (await db.order.findFirst({ where: { id: order.id, status: 'PAID' } })) ?? undefined,
    );
    // ...and the open checkout is closed at PayPal, so the buyer's later approval takes no money.
    await waitFor(
      'the checkout voided',
      async () => (await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).state === 'VOIDED',
    );
    env.paypal.approve(paypalOrderId);
    await env.paypal.settle();
    expect(env.paypal.orders.get(paypalOrderId)!.captures).toEqual([]);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).amountReceivedCents).toBe(4250);
  });

  it("a Venmo order's Approve still marks it paid, and the click's answer shows the decision without the old instruction", async () => {
    const { tenant, guild, customer } = await f.shop();
    const order = await f.order({ tenantId: tenant.id, customerId: customer.id, guildId: guild.id, paymentMethod: 'VENMO_P2P' });
    const post = await adminPost(order);
    expect(post.embeds[0]!.description).toContain('Approve once the money has arrived, or record a part of it.');
    const approve = `payment:approve:${order.payment.id}`;
    expect(post.components.flatMap((r) => r.components.map((c) => c.custom_id))).toContain(approve);

    const admin = await adminOf(tenant.id, guild.id);
    const click = await interact(h(), componentInteraction(admin, approve, { message: post }));
    // UPDATE_MESSAGE: the post itself, in its new state, with no live buttons and no instruction to approve.
    expect(click.type).toBe(7);
    expect(customIdsOf(click)).toEqual([]);
    const text = textOf(click);
    expect(text).toContain(`Order #${order.number} · paid`);
    expect(text).toContain(`Approved by <@${admin.user.id}>`);
    expect(text).not.toContain('Approve once the money has arrived');
    expect(text).toContain('Payment method: **Venmo**');
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
  });
});
