// The rich /order flow end to end through signed HTTP requests: from /order to "Order submitted", the admin
// embed and customer DM on the fake Discord API, approval by button (receipt DM with tax), and refunds.
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import {
  commandInteraction,
  componentInteraction,
  customIdsOf,
  interact,
  member,
  messageOf,
  modalInteraction,
  optionsOf,
  useHarness,
  textOf,
} from './harness.js';
import { walkToReview } from './flows.js';
import { waitFor } from '../helpers/wait-for.js';

const f = factories();
const db = testDb();

const h = useHarness({ worker: true });

async function shop() {
  const s = await f.shop();
  const customer = member({ id: s.customer.discordUserId, roles: [] });
  const admin = member({ roles: [s.tenant.adminRoleIds[0]!] });
  return { ...s, customerRow: s.customer, customer, admin, as: (user = customer) => ({ guildId: s.guild.id, user }) };
}

/** Drives /order through to the review screen (opening the address form); returns every step's response. */
async function orderUntilReview(s: Awaited<ReturnType<typeof shop>>, productId: string, quantity = '2') {
  const steps = await walkToReview(h, s.as(), { productId, quantity, shippingTypeId: s.shippingType.id, openAddressForm: true });
  expect(steps.productModal?.type).toBe(9);
  expect(steps.addressForm?.type).toBe(9);
  return steps;
}

describe('rich /order flow', () => {
  it('walks every step to "Order submitted", then approval and refunds notify the customer', async () => {
    const s = await shop();
    const [p1] = s.products;
    const as = s.as();
    const roleId = '400000000000000001';
    await db.product.update({ where: { id: p1!.id }, data: { grantedRoleIds: [roleId] } });
    const rolePath = `/guilds/${s.guild.id}/members/${s.customer.id}/roles/${roleId}`;

    const start = await interact(h, commandInteraction(as, 'order'));
    expect(start.type).toBe(4);
    expect(start.data.flags).toBe(64);
    expect(
      optionsOf(start, 'order:product-select')
        .map((o) => o.value)
        .sort(),
    ).toEqual(s.products.map((p) => p.id).sort());

    const modal = await interact(h, componentInteraction(as, 'order:product-select', { values: [p1!.id], message: messageOf(start) }));
    expect(modal).toMatchObject({ type: 9, data: { custom_id: `order:qty-modal:${p1!.id}` } });

    const bad = await interact(h, modalInteraction(as, `order:qty-modal:${p1!.id}`, { quantity: 'lots' }, messageOf(start)));
    expect(bad.type).toBe(4);
    expect(textOf(bad)).toMatch(/whole number/);

    const addressStep = await interact(h, modalInteraction(as, `order:qty-modal:${p1!.id}`, { quantity: '2' }, messageOf(start)));
    expect(addressStep.type).toBe(7);
    expect(textOf(addressStep)).toContain(`2 × ${p1!.name}`);
    expect(customIdsOf(addressStep)).toContain('order:address:new');

    const addrModal = await interact(h, componentInteraction(as, 'order:address:new', { message: messageOf(addressStep) }));
    expect(addrModal).toMatchObject({ type: 9, data: { custom_id: 'order:address:modal' } });

    const shipping = await interact(
      h,
      modalInteraction(
        as,
        'order:address:modal',
        { line1: '1 Elm St', line2: '', city: 'Springfield', state: 'IL', postal_country: '62701 us' },
        messageOf(addressStep),
      ),
    );
    expect(shipping.type).toBe(7);
    expect(customIdsOf(shipping)).toContain('order:shipping-type-select');

    const payment = await interact(
      h,
      componentInteraction(as, 'order:shipping-type-select', { values: [s.shippingType.id], message: messageOf(shipping) }),
    );
    // Enabled AND connected: the factory's shop enables PayPal, Cash App Pay and Bitcoin invoices but connected none.
    expect(
      optionsOf(payment, 'order:payment-method-select')
        .map((o) => o.value)
        .sort(),
    ).toEqual(s.tenant.enabledPaymentMethods.filter((m) => !['PAYPAL', 'CASHAPP_PAY', 'BTC_INVOICE'].includes(m)).sort());

    const review = await interact(
      h,
      componentInteraction(as, 'order:payment-method-select', { values: ['VENMO_P2P'], message: messageOf(payment) }),
    );
    const reviewText = textOf(review);
    expect(reviewText).toContain('Subtotal: $50.00');
    expect(reviewText).toContain('Shipping');
    expect(reviewText).toContain('Tax: $0.00');
    expect(reviewText).toContain('Pay @shop on Venmo');
    // The Confirm button carries the fingerprint of this review (the order is placed only at these amounts).
    expect(customIdsOf(review)).toEqual([expect.stringMatching(/^order:confirm:[A-Za-z0-9_-]{16}$/), 'order:cancel']);

    const submitted = await interact(h, componentInteraction(as, customIdsOf(review)[0]!, { message: messageOf(review) }));
    expect(submitted.type).toBe(7);
    expect(textOf(submitted)).toContain('Order submitted');
    const order = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id }, include: { payments: true } });
    expect(order.status).toBe('PENDING_PAYMENT');
    expect(textOf(submitted)).toContain(`#${order.number}`);
    const paymentId = order.payments[0]!.id;

    // order.created: admin embed with approve/reject in the admin channel, and a DM with the instructions.
    const adminPost = await h.fake.waitFor((c) => c.method === 'POST' && c.path === `/channels/${s.tenant.adminChannelId}/messages`);
    expect(JSON.stringify(adminPost.body)).toContain(`payment:approve:${paymentId}`);
    expect(JSON.stringify(adminPost.body)).toContain(`payment:reject:${paymentId}`);
    await waitForDm(s.customer.id, /Pay @shop on Venmo/);

    // A customer clicking approve is refused and nothing changes.
    const adminMessage = { id: '1', channel_id: s.tenant.adminChannelId, ...(adminPost.body as object) };
    const refused = await interact(h, componentInteraction(as, `payment:approve:${paymentId}`, { message: adminMessage }));
    expect(textOf(refused)).toMatch(/Only shop admins/);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');

    const approved = await interact(h, componentInteraction(s.as(s.admin), `payment:approve:${paymentId}`, { message: adminMessage }));
    expect(approved.type).toBe(7);
    expect(textOf(approved)).toContain(`Approved by <@${s.admin.id}>`);
    expect(approved.data.components).toEqual([]);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
    const receipt = await waitForDm(s.customer.id, /receipt/);
    expect(JSON.stringify(receipt)).toContain('Tax: $0.00');
    // The paid order grants the product's role through the REST role gateway, with an audit-log reason.
    const put = await h.fake.waitFor((c) => c.method === 'PUT' && c.path === rolePath);
    expect(decodeURIComponent(String(put.headers['x-audit-log-reason']))).toContain(`#${order.number}`);

    // Partial refund by items (order referenced by number), then the rest in full.
    const byItems = await interact(
      h,
      commandInteraction(s.as(s.admin), 'refund', { order: `#${order.number}`, items: `${p1!.id}:1`, reason: 'Returned one' }),
    );
    expect(textOf(byItems)).toContain('Refund of $25.00 recorded');
    expect(textOf(byItems)).toContain('PARTIALLY_REFUNDED');
    await waitForDm(s.customer.id, /refund on order/);
    const full = await interact(h, commandInteraction(s.as(s.admin), 'refund', { order: order.id }));
    expect(textOf(full)).toContain('Admin-initiated refund');
    expect(textOf(full)).toContain('REFUNDED');
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('REFUNDED');
    await h.fake.waitFor((c) => c.method === 'DELETE' && c.path === rolePath);
  });

  it('a double-clicked confirm makes one order; the second click gets the same order', async () => {
    const s = await shop();
    const { review } = await orderUntilReview(s, s.products[1]!.id, '1');
    const click = () => interact(h, componentInteraction(s.as(), 'order:confirm', { message: messageOf(review) }));
    const [a, b] = await Promise.all([click(), click()]);
    expect(textOf(a)).toContain('Order submitted');
    expect(textOf(b)).toContain('Order submitted');
    expect(await db.order.count({ where: { tenantId: s.tenant.id } })).toBe(1);
    expect(await db.payment.count({ where: { tenantId: s.tenant.id } })).toBe(1);
  });

  it('fewer in stock at confirm: no order, the line lowered to what is left and the review shown again', async () => {
    const s = await shop();
    const limited = await f.product({ tenantId: s.tenant.id, trackStock: true, stock: 2, unitPriceCents: 1000 });
    const { review } = await orderUntilReview(s, limited.id, '2');
    await db.product.update({ where: { id: limited.id }, data: { stock: 1 } });
    const res = await interact(h, componentInteraction(s.as(), 'order:confirm', { message: messageOf(review) }));
    expect(res.type).toBe(7);
    expect(textOf(res)).toContain(`Only 1 of ${limited.name} left now, so your order has 1.`);
    expect(textOf(res)).toContain(`1 × ${limited.name}`);
    expect(await db.order.count({ where: { tenantId: s.tenant.id } })).toBe(0);
  });

  it('an expired session says so and points to /order', async () => {
    const s = await shop();
    const { payment } = await orderUntilReview(s, s.products[0]!.id, '1');
    await db.orderSession.updateMany({ where: { tenantId: s.tenant.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const res = await interact(
      h,
      componentInteraction(s.as(), 'order:payment-method-select', { values: ['ZELLE'], message: messageOf(payment) }),
    );
    // It replaces the flow's message, whose menus are stale (stale-flow-menu.test.ts).
    expect(res.type).toBe(7);
    expect(textOf(res)).toMatch(/expired/i);
    expect(textOf(res)).toContain('/order');
  });

  it('reuses a saved address through order:use-existing', async () => {
    const s = await shop();
    const older = await f.address({
      tenantId: s.tenant.id,
      customerId: s.customerRow.id,
      line1: '1 Old Rd',
      lastUsedAt: new Date('2026-01-01T00:00:00Z'),
    });
    const saved = await f.address({ tenantId: s.tenant.id, customerId: s.customerRow.id, lastUsedAt: new Date('2026-06-01T00:00:00Z') });
    const as = s.as();
    const start = await interact(h, commandInteraction(as, 'order', { productid: s.products[0]!.id }));
    expect(start).toMatchObject({ type: 9, data: { custom_id: `order:qty-modal:${s.products[0]!.id}` } });
    const step = await interact(h, modalInteraction(as, `order:qty-modal:${s.products[0]!.id}`, { quantity: '1' }));
    expect(step.type).toBe(4); // the modal came from a slash command: a new ephemeral message
    // Most recently used first (read with the quantity step's own write).
    expect(optionsOf(step, 'order:use-existing').map((o) => o.value)).toEqual([saved.id, older.id]);
    const next = await interact(h, componentInteraction(as, 'order:use-existing', { values: [saved.id], message: messageOf(step) }));
    expect(customIdsOf(next)).toContain('order:shipping-type-select');
  });

  it('does not offer a saved address whose country is no country code (saved before the check), and refuses a crafted pick of it', async () => {
    const s = await shop();
    const bad = await f.address({ tenantId: s.tenant.id, customerId: s.customerRow.id, line1: '9 Nowhere Ln', country: 'ZZ' });
    const good = await f.address({ tenantId: s.tenant.id, customerId: s.customerRow.id, lastUsedAt: new Date('2026-01-01T00:00:00Z') });
    const as = s.as();
    await interact(h, commandInteraction(as, 'order', { productid: s.products[0]!.id }));
    const step = await interact(h, modalInteraction(as, `order:qty-modal:${s.products[0]!.id}`, { quantity: '1' }));
    // Before: both were offered, the ZZ one first (most recently used), and picking it went through to checkout.
    expect(optionsOf(step, 'order:use-existing').map((o) => o.value)).toEqual([good.id]);
    const crafted = await interact(h, componentInteraction(as, 'order:use-existing', { values: [bad.id], message: messageOf(step) }));
    expect(textOf(crafted)).toContain('That saved address has the country "ZZ", which is not a country code');
    expect(customIdsOf(crafted)).not.toContain('order:shipping-type-select');
  });

  it('hides role-gated products and refuses a crafted interaction for one at the service', async () => {
    const s = await shop();
    const gated = await f.product({ tenantId: s.tenant.id, requiredRoleIds: ['900000000000000001'], name: 'VIP thing' });
    const start = await interact(h, commandInteraction(s.as(), 'order'));
    expect(optionsOf(start, 'order:product-select').map((o) => o.value)).not.toContain(gated.id);
    // Opening it by id (slash option, crafted catalog button) is refused before any modal opens...
    for (const i of [
      commandInteraction(s.as(), 'order', { productid: gated.id }),
      componentInteraction(s.as(), `catalog:order:${gated.id}`),
    ]) {
      const refused = await interact(h, i);
      expect(refused.type).toBe(4);
      expect(textOf(refused)).toContain('not available to you');
    }
    // ...and a crafted modal submit fails at the session service.
    const res = await interact(h, modalInteraction(s.as(), `order:qty-modal:${gated.id}`, { quantity: '1' }, messageOf(start)));
    expect(res.type).toBe(4);
    expect(textOf(res)).toMatch(/role/i);
    // A member with the role sees it and can order it.
    const vip = member({ roles: ['900000000000000001'] });
    const vipStart = await interact(h, commandInteraction(s.as(vip), 'order'));
    expect(optionsOf(vipStart, 'order:product-select').map((o) => o.value)).toContain(gated.id);
  });

  it('paginates more than 25 products with Previous/Next and drops none', async () => {
    const s = await shop();
    for (let i = 0; i < 26; i++) await f.product({ tenantId: s.tenant.id, name: `Extra ${String(i).padStart(2, '0')}`, sortOrder: 10 + i });
    const first = await interact(h, commandInteraction(s.as(), 'order'));
    expect(optionsOf(first, 'order:product-select')).toHaveLength(25);
    expect(customIdsOf(first)).toContain('order:products:1');
    const second = await interact(h, componentInteraction(s.as(), 'order:products:1', { message: messageOf(first) }));
    expect(second.type).toBe(7);
    const all = [...optionsOf(first, 'order:product-select'), ...optionsOf(second, 'order:product-select')].map((o) => o.value);
    expect(new Set(all).size).toBe(28);
  });

  it('cancel ends the session', async () => {
    const s = await shop();
    const start = await interact(h, commandInteraction(s.as(), 'order'));
    const res = await interact(h, componentInteraction(s.as(), 'order:cancel', { message: messageOf(start) }));
    expect(textOf(res)).toContain('Order cancelled');
    expect(await db.orderSession.count({ where: { tenantId: s.tenant.id, activeSlot: 1 } })).toBe(0);
  });
});

async function waitForDm(customerDiscordId: string, pattern: RegExp) {
  const found = await waitFor(
    () => `a DM to ${customerDiscordId} matching ${pattern}; DMs sent: ${JSON.stringify(h.fake.directMessages())}`,
    () => h.fake.directMessages().find((m) => m.userId === customerDiscordId && pattern.test(JSON.stringify(m.body))),
  );
  return found.body;
}
