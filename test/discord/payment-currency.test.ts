// Cash App Pay takes US dollars only (payments-processor/connections/method-currency.ts): a yen shop with Square
// connected and Cash App Pay still switched on (enabled before the rule, or a currency changed since) offers it
// nowhere. Through signed interactions: the payment menu does not list it, /order-payment names why.
import { describe, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { commandInteraction, componentInteraction, interact, member, messageOf, optionsOf, textOf, useHarness } from './harness.js';

const f = factories();
const db = testDb();
const h = useHarness();

async function yenShop() {
  const tenant = await f.tenant({ currency: 'JPY', enabledPaymentMethods: ['ZELLE', 'CASHAPP_PAY', 'BTC_INVOICE'] });
  const guild = await f.guild({ tenantId: tenant.id });
  const customer = await f.customer({ tenantId: tenant.id });
  const product = await f.product({ tenantId: tenant.id, currency: 'JPY', unitPriceCents: 4250 });
  const shippingType = await f.shippingType({ tenantId: tenant.id, priceCents: 800 });
  for (const provider of ['SQUARE', 'BTCPAY'] as const)
    await db.paymentConnection.create({
      data: { tenantId: tenant.id, provider, environment: 'production', status: 'CONNECTED', secrets: 'sealed' },
    });
  const as = { guildId: guild.id, user: member({ id: customer.discordUserId }) };
  await interact(h, commandInteraction(as, 'register'));
  const item = { productid: product.id, name: product.name, sku: product.sku, quantity: 1, unitpricecents: 4250, currency: 'jpy' };
  expect(textOf(await interact(h, commandInteraction(as, 'order-item', item)))).toContain(product.name);
  const shipping = await interact(
    h,
    commandInteraction(as, 'order-shipping', { street: '1-1 Chiyoda', city: 'Tokyo', state: 'TK', zip: '100-0001', country: 'jp' }),
  );
  return { tenant, shippingType, as, shipping };
}

describe('Cash App Pay in a shop that does not sell in US dollars', () => {
  it('is not in the payment menu, and /order-payment CASHAPP_PAY is refused saying why', async () => {
    const s = await yenShop();
    const menu = await interact(
      h,
      componentInteraction(s.as, 'order:shipping-type-select', { values: [s.shippingType.id], message: messageOf(s.shipping) }),
    );
    const offered = optionsOf(menu, 'order:payment-method-select').map((o) => o.value);
    expect(offered).toContain('BTC_INVOICE'); // connected, and BTCPay takes yen
    expect(offered).toContain('ZELLE');
    expect(offered).not.toContain('CASHAPP_PAY');

    const refused = await interact(h, commandInteraction(s.as, 'order-payment', { paymentmethod: 'CASHAPP_PAY' }));
    expect(textOf(refused)).toContain('Cash App Pay takes USD only, and this shop sells in JPY. Choose another way to pay.');
    expect((await db.orderSession.findFirstOrThrow({ where: { tenantId: s.tenant.id } })).paymentMethod).toBeNull();

    const chosen = await interact(h, commandInteraction(s.as, 'order-payment', { paymentmethod: 'BTC_INVOICE' }));
    expect(textOf(chosen)).toContain('/order-submit');
  });
});
