// The pay link where the customer is: with the shop's PayPal connected, /order offers PayPal (and only
// connected processor methods), and after Confirm the "Order submitted" message and the order DM carry a
// "Pay now" link button to the signed invoice page, which opens. A manual method gets no button. Without
// PUBLIC_BASE_URL outside production the link is the banner's http://localhost:$PORT; a server that cannot
// make links (no signing secret) does not offer the processor methods at all, rather than promise a button.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakePayPal } from '../../src/dev/fakes/fake-paypal.js';
import { createReceiptDms } from '../../src/modules/notifications/receipt-dm-state.js';
import { createInvoiceService } from '../../src/modules/invoices/invoice.service.js';
import { adminCtx } from '../helpers/actors.js';
import { factories } from '../helpers/factories.js';
import { commandInteraction, componentInteraction, interact, member, messageOf, optionsOf, startHarness, type Harness } from './harness.js';
import { walkToReview } from './flows.js';

let h: Harness;
let paypal: FakePayPal;
const f = factories();

beforeAll(async () => {
  paypal = await new FakePayPal().start();
  h = await startHarness({ worker: true, env: { PAYPAL_API_BASE_URL: paypal.url, PUBLIC_BASE_URL: 'http://shop.example' } });
});
afterAll(async () => {
  await h.stop();
  await paypal.stop();
});

type Button = { type: number; style: number; label?: string; url?: string };
const linkButtons = (message: unknown) =>
  ((message as { components?: { components: Button[] }[] } | undefined)?.components ?? [])
    .flatMap((r) => r.components)
    .filter((c) => c.type === 2 && c.style === 5);

async function placeOrder(method: string, on: Harness = h) {
  const s = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P', 'BTC_INVOICE'] } });
  paypal.addApp(`AcL-${s.tenant.id}`, 'EL-secret-discord-0001');
  const ctx = adminCtx(s.tenant.id);
  await on.t.services.paymentConnections.connect(ctx, {
    provider: 'PAYPAL',
    environment: 'sandbox',
    config: { clientId: `AcL-${s.tenant.id}`, webhookId: 'WH-X' },
    secrets: { clientSecret: 'EL-secret-discord-0001' },
  });
  await on.t.services.paymentConnections.test(ctx, 'PAYPAL');
  await on.t.services.db.tenant.update({
    where: { id: s.tenant.id },
    data: { enabledPaymentMethods: ['VENMO_P2P', 'BTC_INVOICE', 'PAYPAL'] },
  });
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId, roles: [] }) };
  const { payment, review } = await walkToReview(on, as, {
    productId: s.products[0]!.id,
    shippingTypeId: s.shippingType.id,
    paymentMethod: method,
    openAddressForm: true,
  });
  const offered = optionsOf(payment, 'order:payment-method-select').map((o) => o.value);
  const submitted = await interact(on, componentInteraction(as, 'order:confirm', { message: messageOf(review) }));
  return { s, offered, submitted };
}

it('PayPal: offered once connected (Bitcoin, enabled but not connected, is not), and "Pay now" opens the invoice page', async () => {
  const { s, offered, submitted } = await placeOrder('PAYPAL');
  expect(offered.sort()).toEqual(['PAYPAL', 'VENMO_P2P']);
  const [pay] = linkButtons(submitted.data);
  expect(pay).toMatchObject({ label: 'Pay now', url: expect.stringMatching(/^http:\/\/shop\.example\/invoice\/[\w-]+\.[\w-]{43}$/) });
  const page = await request(h.t.app).get(new URL(pay!.url!).pathname).expect(200);
  expect(page.text).toContain('Pay with PayPal');

  // The order DM carries the same button.
  const dm = await h.fake.waitFor(
    (c) =>
      c.method === 'POST' &&
      /\/channels\/\d+\/messages$/.test(c.path) &&
      h.fake.dmRecipient(c.path.split('/')[2]!) === s.customer.discordUserId,
  );
  const [dmPay] = linkButtons(dm.body as never);
  expect(dmPay).toMatchObject({ label: 'Pay now', url: expect.stringContaining('http://shop.example/invoice/') });
});

it('a manual method gets no "Pay now" button', async () => {
  const { submitted } = await placeOrder('VENMO_P2P');
  expect(linkButtons(submitted.data)).toEqual([]);
});

it('/orders detail shows "Pay now" while the PayPal order is unpaid, and not once it is paid', async () => {
  const { s } = await placeOrder('PAYPAL');
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId, roles: [] }) };
  const order = await h.t.services.db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } });
  const list = await interact(h, commandInteraction(as, 'orders'));
  const unpaid = await interact(h, componentInteraction(as, `orders:detail:${order.id}:0`, { message: messageOf(list) }));
  expect(linkButtons(unpaid.data).map((b) => b.label)).toEqual(['Pay now']);
  await h.t.services.payments.confirm(adminCtx(s.tenant.id), { orderId: order.id });
  const paid = await interact(h, componentInteraction(as, `orders:detail:${order.id}:0`, { message: messageOf(list) }));
  expect(linkButtons(paid.data)).toEqual([]);
});

it('"Pay now" comes before "Cancel order" in "Order submitted" and the /orders detail (the first button on a phone is the primary one)', async () => {
  type Any = { type: number; label?: string; custom_id?: string };
  const buttonsOf = (message: unknown) =>
    ((message as { components?: { components: Any[] }[] } | undefined)?.components ?? [])
      .flatMap((r) => r.components)
      .filter((c) => c.type === 2 && (c.label === 'Pay now' || c.label === 'Cancel order'));
  const { s, submitted } = await placeOrder('PAYPAL');
  const order = await h.t.services.db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } });
  expect(buttonsOf(submitted.data).map((b) => b.label)).toEqual(['Pay now', 'Cancel order']);
  expect(buttonsOf(submitted.data)[1]).toMatchObject({ custom_id: `orders:cancel:${order.id}:0` });
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId, roles: [] }) };
  const list = await interact(h, commandInteraction(as, 'orders'));
  const detail = await interact(h, componentInteraction(as, `orders:detail:${order.id}:0`, { message: messageOf(list) }));
  expect(buttonsOf(detail.data).map((b) => b.label)).toEqual(['Pay now', 'Cancel order']);
  expect(buttonsOf(detail.data)[1]).toMatchObject({ custom_id: `orders:cancel:${order.id}:0` });
});

describe('where the server cannot be reached by a configured address', () => {
  let other: Harness | undefined;
  afterAll(async () => {
    await other?.stop();
  });

  it('no PUBLIC_BASE_URL outside production: "Pay now" goes to http://localhost:$PORT, as the banner says', async () => {
    other = await startHarness({ worker: false, env: { PAYPAL_API_BASE_URL: paypal.url, PORT: '3977' } });
    const { submitted } = await placeOrder('PAYPAL', other);
    const [pay] = linkButtons(submitted.data);
    expect(pay).toMatchObject({ label: 'Pay now', url: expect.stringMatching(/^http:\/\/localhost:3977\/invoice\//) });
    await other.stop();
    other = undefined;
  });

  it('no signing secret: PayPal is not offered in Discord (nothing could take the customer to pay it), and no link is recorded', async () => {
    other = await startHarness({
      worker: false,
      env: { PAYPAL_API_BASE_URL: paypal.url, PUBLIC_BASE_URL: 'http://shop.example', INVOICE_LINK_SIGNING_SECRET: '' },
    });
    expect(other.t.services.invoices.linksAvailable()).toBe(false);
    const { s, offered, submitted } = await placeOrder('VENMO_P2P', other);
    expect(offered).toEqual(['VENMO_P2P']);
    expect(linkButtons(submitted.data)).toEqual([]);
    const order = await other.t.services.db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } });
    expect(await other.t.services.db.auditLog.count({ where: { entityId: order.id, action: 'order.invoice_link_created' } })).toBe(0);
  });

  it('no address at all (production without PUBLIC_BASE_URL): the link is refused and not recorded as sent', async () => {
    const services = h.t.services;
    const invoices = createInvoiceService({
      db: services.db,
      clock: services.clock,
      config: { signingSecret: 'a-signing-secret-of-at-least-32-chars', defaultTtlSeconds: 3600 },
      connections: services.paymentConnections,
      checkouts: services.checkouts,
      audit: services.audit,
      receiptDms: createReceiptDms({ db: services.db }),
    });
    expect(invoices.linksAvailable()).toBe(false);
    const s = await f.shop();
    const order = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id });
    await expect(invoices.createLink(adminCtx(s.tenant.id), order.id)).rejects.toThrow(/Set PUBLIC_BASE_URL/);
    expect(await services.db.auditLog.count({ where: { entityId: order.id, action: 'order.invoice_link_created' } })).toBe(0);
  });
});
