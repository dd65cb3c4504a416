// The admin channel's post of an unpaid order follows what its customer does on the invoice page: a PayPal checkout
// opened (the post says so; recording money here closes it), its money on its way (a PayPal eCheck clearing: the
// post says since when, and offers no Approve and no Record, which payments.confirm would refuse), and the checkout
// failing (the eCheck denied: the post is itself again, Approve back). The post used to be decided by the order's
// payment method alone and was never edited for any of these.
// Through the real paths: the invoice page's Pay, the fake PayPal's webhooks to our endpoint, the notification jobs
// on a worker, the fake Discord API on the wire.
import { describe, expect, it } from 'vitest';
import { systemActor } from '../../src/modules/shared/actor.js';
import { adminCtx } from '../helpers/actors.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { postedAdminMessage } from './admin-post.js';
import { connectPayPal, MovableClock } from '../http/invoice/invoice-fixtures.js';
import { usePayPalApp } from '../http/invoice/paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const f = factories();
const { env, startCheckout, discordApi } = usePayPalApp(clock);

type Post = {
  embeds: { title?: string; description?: string }[];
  components: { components: { custom_id?: string; label?: string }[] }[];
};
const idsOf = (p: Post) => p.components.flatMap((r) => r.components.map((c) => c.custom_id ?? ''));

describe('the admin post while the customer pays online', () => {
  it('says a checkout is open, then that money is on its way (no Approve, no Record), and is restored when it fails', async () => {
    // A Venmo order whose customer pays from the invoice page with PayPal instead (the shop has PayPal connected).
    const { tenant, guild, customer } = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
    await connectPayPal(env, tenant.id);
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      guildId: guild.id,
      paymentMethod: 'VENMO_P2P',
      totalCents: 4250,
      lines: [{ productId: (await f.product({ tenantId: tenant.id })).id, quantity: 1, unitPriceCents: 4250 }],
    });
    const link = await env.t.services.invoices.createLink({ tenantId: tenant.id, actor: systemActor }, order.id);
    const approve = `payment:approve:${order.payment.id}`;
    const record = `payment:receipt:${order.payment.id}:r0`;
    const reject = `payment:reject:${order.payment.id}`;

    const posted = await postedAdminMessage(env.t.services.bus, discordApi, tenant.id, order.id);
    const edits = (pred: (p: Post) => boolean) => posted.edit((body) => pred(body as Post));
    const first = posted.now() as unknown as Post;
    expect(first.embeds[0]!.description).toContain('Approve once the money has arrived, or record a part of it.');

    // The customer presses "Pay with PayPal": the post names the open checkout; Approve and Record stay (money that
    // reached the shop another way is still recorded, and closes the checkout).
    const { paypalOrderId } = await startCheckout(new URL(link.url).pathname);
    const open = (await edits((p) => p.embeds[0]!.description!.includes('Customer opened a PayPal checkout for $42.50'))).body as Post;
    expect(open.embeds[0]!.description).toContain('Approving or recording money here closes that checkout');
    expect(open.embeds[0]!.description).not.toContain('Approve once the money has arrived');
    expect(idsOf(open)).toEqual(expect.arrayContaining([approve, record, reject]));

    // The buyer pays by eCheck: PayPal's webhook (CHECKOUT.ORDER.APPROVED) makes us capture, and the capture is
    // PENDING. The post says the money is on its way, since when, and offers only Reject.
    env.paypal.approve(paypalOrderId, 'echeck');
    await env.paypal.settle();
    const moving = (
      await edits((p) => p.embeds[0]!.description!.includes('Customer is paying online with PayPal: money on its way since <t:'))
    ).body as Post;
    expect(moving.embeds[0]!.title).toBe(`New order #${order.number} · payment on its way`);
    expect(moving.embeds[0]!.description).toContain('A PayPal payment of $42.50 for this order is still clearing at PayPal');
    expect(moving.embeds[0]!.description!.length).toBeLessThanOrEqual(4096);
    expect(idsOf(moving)).toEqual([reject]);
    const checkout = await db.paymentCheckout.findFirstOrThrow({ where: { providerCheckoutId: paypalOrderId } });
    expect(checkout.state).toBe('PENDING');
    expect(checkout.inFlightAt).not.toBeNull();

    // The eCheck is denied (PAYMENT.CAPTURE.DENIED): no money comes, the checkout failed, and the post is the Venmo
    // order's again, with Approve and Record.
    env.paypal.denyPendingCapture(env.paypal.orders.get(paypalOrderId)!.captures[0]!.id);
    await env.paypal.settle();
    const back = (await edits((p) => p.embeds[0]!.description!.includes('Approve once the money has arrived'))).body as Post;
    expect(back.embeds[0]!.title).toBe(`New order #${order.number} · awaiting payment`);
    expect(back.embeds[0]!.description).not.toMatch(/Customer (is paying|opened)/);
    expect(idsOf(back)).toEqual([approve, record, reject]);
    expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).state).toBe('FAILED');
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
  });
  it('an open checkout voided because the order changed: the post no longer names it', async () => {
    const { tenant, guild, customer } = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
    await connectPayPal(env, tenant.id);
    const product = await f.product({ tenantId: tenant.id });
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      guildId: guild.id,
      paymentMethod: 'VENMO_P2P',
      totalCents: 4250,
      lines: [{ productId: product.id, quantity: 1, unitPriceCents: 4250 }],
    });
    const link = await env.t.services.invoices.createLink({ tenantId: tenant.id, actor: systemActor }, order.id);
    const posted = await postedAdminMessage(env.t.services.bus, discordApi, tenant.id, order.id);
    const edits = (pred: (p: Post) => boolean) => posted.edit((body) => pred(body as Post));
    const { checkout } = await startCheckout(new URL(link.url).pathname);
    await edits((p) => p.embeds[0]!.description!.includes('Customer opened a PayPal checkout'));

    // The shop changes the order's lines (the panel's Edit, through the service its form saves with): the checkout no
    // longer matches the order and is voided at PayPal (the payment.checkouts.void_stale job); the post is the Venmo
    // order's again.
    await env.t.services.orderAdmin.update(adminCtx(tenant.id), order.id, { items: [{ productId: product.id, quantity: 2 }] });
    const back = (
      await edits(
        (p) =>
          p.embeds[0]!.description!.includes('Approve once the money has arrived') &&
          !p.embeds[0]!.description!.includes('Customer opened'),
      )
    ).body as Post;
    expect(idsOf(back)).toEqual([
      `payment:approve:${order.payment.id}`,
      `payment:receipt:${order.payment.id}:r0`,
      `payment:reject:${order.payment.id}`,
    ]);
    expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).state).toBe('VOIDED');
  });
});
