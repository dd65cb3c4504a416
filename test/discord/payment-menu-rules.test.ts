// Which payment methods a customer may choose is one rule (checkout/selection-rules.ts methodRules): the /order
// menu offers what it accepts, and the legacy /order-payment (spec 004) is refused what the menu hides. Here the
// server cannot make invoice links (no INVOICE_LINK_SIGNING_SECRET), so PayPal, although enabled and connected,
// cannot be paid: before the rule held it, /order-payment placed a PayPal order nothing could ever take payment for.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakePayPal } from '../../src/dev/fakes/fake-paypal.js';
import { adminCtx } from '../helpers/actors.js';
import { factories } from '../helpers/factories.js';
import { commandInteraction, interact, member, optionsOf, startHarness, textOf, type Harness } from './harness.js';
import { walkToReview } from './flows.js';

let h: Harness;
let paypal: FakePayPal;
const f = factories();

beforeAll(async () => {
  paypal = await new FakePayPal().start();
  h = await startHarness({
    worker: false,
    env: { PAYPAL_API_BASE_URL: paypal.url, PUBLIC_BASE_URL: 'http://shop.example', INVOICE_LINK_SIGNING_SECRET: '' },
  });
});
afterAll(async () => {
  await h.stop();
  await paypal.stop();
});

it('a method the /order menu does not offer is not accepted by /order-payment either', async () => {
  expect(h.t.services.invoices.linksAvailable()).toBe(false);
  const s = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
  paypal.addApp(`AcL-${s.tenant.id}`, 'EL-secret-discord-0001');
  const ctx = adminCtx(s.tenant.id);
  await h.t.services.paymentConnections.connect(ctx, {
    provider: 'PAYPAL',
    environment: 'sandbox',
    config: { clientId: `AcL-${s.tenant.id}`, webhookId: 'WH-X' },
    secrets: { clientSecret: 'EL-secret-discord-0001' },
  });
  await h.t.services.paymentConnections.test(ctx, 'PAYPAL');
  await h.t.services.db.tenant.update({ where: { id: s.tenant.id }, data: { enabledPaymentMethods: ['VENMO_P2P', 'PAYPAL'] } });
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId, roles: [] }) };
  const { payment } = await walkToReview(h, as, {
    productId: s.products[0]!.id,
    shippingTypeId: s.shippingType.id,
    paymentMethod: 'VENMO_P2P',
    openAddressForm: true,
  });
  const offered = optionsOf(payment, 'order:payment-method-select').map((o) => o.value);
  const legacy = await interact(h, commandInteraction(as, 'order-payment', { paymentmethod: 'PAYPAL' }));
  expect(textOf(legacy)).toMatch(/PayPal cannot take payments for this shop right now: choose another way to pay/);
  const submitted = await interact(h, commandInteraction(as, 'order-submit'));
  expect(textOf(submitted)).not.toMatch(/PayPal/);
  const orders = await h.t.services.db.order.findMany({
    where: { tenantId: s.tenant.id },
    select: { number: true, paymentMethod: true, status: true, paymentDueAt: true },
  });
  expect(offered).not.toContain('PAYPAL');
  expect(orders.filter((o) => o.paymentMethod === 'PAYPAL')).toEqual([]);
});
