// /refund says who sends the money back, as the panel's refund notice does. On an order paid by hand (Venmo)
// it answered "Refunded $7.00 on order #1001 ... Order status: PARTIALLY_REFUNDED" and nothing else: the admin
// was not told that no money was sent, nor that the order page keeps a "send it back" to-do, while the customer's
// DM said "We refunded $7.00". On an order paid through PayPal it says PayPal returns it.
import { describe, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { MovableClock } from '../http/invoice/invoice-fixtures.js';
import { usePayPalApp } from '../http/invoice/paypal-fixtures.js';
import { commandInteraction, interact, member, textOf, type Harness } from './harness.js';

const clock = new MovableClock();
const db = testDb();
const f = factories();
const { env, paidPayPalOrder, discordApi } = usePayPalApp(clock);
const harness = () => ({ t: env.t, fake: discordApi() }) as unknown as Harness;

async function asAdminOf(tenantId: string) {
  const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
  const guild = await db.guild.findFirstOrThrow({ where: { tenantId } });
  return { guildId: guild.id, user: member({ roles: [tenant.adminRoleIds[0]!] }) };
}

describe('/refund says who sends the money back', () => {
  it('an order paid by Venmo: no money was sent, the admin sends it back by Venmo and ticks it done', async () => {
    const s = await f.shop();
    const order = await f.order({
      tenantId: s.tenant.id,
      customerId: s.customer.id,
      guildId: s.guild.id,
      paymentMethod: 'VENMO_P2P',
      status: 'PAID',
      paymentStatus: 'paid',
      lines: [{ productId: s.products[0]!.id, name: s.products[0]!.name, quantity: 2, unitPriceCents: 2500 }],
    });
    const as = await asAdminOf(s.tenant.id);
    const reply = textOf(await interact(harness(), commandInteraction(as, 'refund', { order: order.id, amount: 700 })));
    expect(reply).toContain('Refunded $7.00 on order');
    expect(reply).toContain(
      "**No money was sent**: send $7.00 back to the customer by Venmo, then tick it done on the order's page in the admin panel.",
    );
    expect(reply).not.toContain('payment processor');
    expect(await db.refund.findFirstOrThrow({ where: { orderId: order.id } })).toMatchObject({ manualReturnMethod: 'VENMO_P2P' });
  });

  it('an order paid through PayPal: the payment processor returns it', async () => {
    const shop = await paidPayPalOrder();
    const as = await asAdminOf(shop.tenant.id);
    const reply = textOf(await interact(harness(), commandInteraction(as, 'refund', { order: shop.order.id, amount: 1000 })));
    expect(reply).toContain('Refunded $10.00 on order');
    expect(reply).toContain("The payment processor returns the money to the customer; the outcome appears in the order's history.");
    expect(reply).not.toContain('No money was sent');
  });
});
