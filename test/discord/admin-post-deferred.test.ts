// An admin's Approve on the admin post when the answer is deferred (DISCORD_DEFER_AFTER_MS=0 defers every answer,
// so nothing here depends on timing): the click's immediate answer is the post in its working state ("Approving…",
// who clicked, every button disabled, no "Approve once the money has arrived"), not a bare deferred update that
// leaves the old ask with live buttons; the decision then replaces it (PATCH @original). A refusal (here: the
// order's PayPal money still clearing) goes to the admin alone and the post is put back as it was.
import { describe, expect, it } from 'vitest';
import { EVENTS } from '../../src/modules/shared/events.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { APP_ID, componentInteraction, interact, member, textOf, useHarness } from './harness.js';

const h = useHarness({ worker: true, env: { DISCORD_DEFER_AFTER_MS: '0' } });
const f = factories();
const db = testDb();

type Posted = {
  embeds: { description?: string }[];
  components: { type: number; components: { custom_id?: string; disabled?: boolean }[] }[];
};

/** An unpaid order's admin post, as the order.created job sent it and Discord echoes it on a click. */
async function postedOrder(paymentMethod: 'VENMO_P2P' | 'PAYPAL') {
  const s = await f.shop();
  const order = await f.order({
    tenantId: s.tenant.id,
    customerId: s.customer.id,
    guildId: s.guild.id,
    paymentMethod,
    paymentStatus: 'pending',
  });
  await h.t.services.bus.emit(db, EVENTS.orderCreated, { tenantId: s.tenant.id, orderId: order.id });
  const call = await h.fake.waitFor(
    (c) =>
      c.method === 'POST' &&
      c.path === `/channels/${s.tenant.adminChannelId}/messages` &&
      JSON.stringify(c.body).includes(`#${order.number}`),
  );
  const body = call.body as Posted;
  const post = { id: '990000000000000002', channel_id: s.tenant.adminChannelId, embeds: body.embeds, components: body.components };
  const admin = { guildId: s.guild.id, user: member({ roles: [s.tenant.adminRoleIds[0]!] }) };
  return { s, order, post, admin };
}

const buttonsOf = (data: { components?: Posted['components'] } | undefined) => (data?.components ?? []).flatMap((r) => r.components);
const original = (token: string) => `/webhooks/${APP_ID}/${token}/messages/@original`;

describe('Approve on the admin post, answered late', () => {
  it('shows "Approving…" with the buttons disabled at once, then the decision', async () => {
    const { order, post, admin } = await postedOrder('VENMO_P2P');
    const click = componentInteraction(admin, `payment:approve:${order.payment.id}`, { message: post });
    const res = await interact(h, click);
    expect(res.type).toBe(7);
    const text = textOf(res);
    expect(text).toContain(`Approving… (<@${admin.user.id}>)`);
    expect(text).not.toContain('Approve once the money has arrived');
    const buttons = buttonsOf(res.data as { components?: Posted['components'] });
    expect(buttons.length).toBeGreaterThan(0);
    expect(buttons.every((b) => b.disabled === true)).toBe(true);

    const edit = await h.fake.waitFor((c) => c.method === 'PATCH' && c.path === original(click.token));
    const edited = JSON.stringify(edit.body);
    expect(edited).toContain(`Approved by <@${admin.user.id}>`);
    expect(edited).not.toContain('Approve once the money has arrived');
    expect((edit.body as { components: unknown[] }).components).toEqual([]);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
  });

  it('a refusal goes to the admin alone, and the post is put back with its buttons live', async () => {
    const { s, order, post, admin } = await postedOrder('PAYPAL');
    const connection = await db.paymentConnection.create({
      data: { tenantId: s.tenant.id, provider: 'PAYPAL', environment: 'sandbox', status: 'CONNECTED' },
    });
    // The customer paid by eCheck at PayPal: the money is clearing, and its settlement pays the order, not an
    // admin (payments.confirm refuses while a checkout's money is on its way: refuseWhileMoneyInFlight).
    await db.paymentCheckout.create({
      data: {
        tenantId: s.tenant.id,
        orderId: order.id,
        connectionId: connection.id,
        provider: 'PAYPAL',
        method: 'PAYPAL',
        providerCheckoutId: `PAYPAL-${order.id}`,
        amountCents: order.totalCents,
        currency: 'USD',
        orderVersion: (await db.order.findUniqueOrThrow({ where: { id: order.id } })).version,
        state: 'PENDING',
      },
    });
    // An Approve with an older post's custom id (the post itself offers none for a PayPal order).
    const click = componentInteraction(admin, `payment:approve:${order.payment.id}`, { message: post });
    const res = await interact(h, click);
    expect(res.type).toBe(7);
    const refusal = await h.fake.waitFor((c) => c.method === 'POST' && c.path === `/webhooks/${APP_ID}/${click.token}`);
    expect(JSON.stringify(refusal.body)).toContain('A PayPal payment of $15.00 for this order is still clearing at PayPal');
    expect((refusal.body as { flags: number }).flags & 64).toBe(64);
    const restored = await h.fake.waitFor((c) => c.method === 'PATCH' && c.path === original(click.token));
    expect((restored.body as { embeds: unknown }).embeds).toEqual(post.embeds);
    expect(buttonsOf(restored.body as { components?: Posted['components'] }).some((b) => b.disabled)).toBe(false);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
  });
});
