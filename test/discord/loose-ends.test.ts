// The Discord flow's loose ends (issue 10, section 5), through signed requests: spec 004's legacy sequence
// as written (the shipping type as an option with autocomplete, or the shop's only one by default),
// out-of-stock products marked in /order's select, a refused address that reopens the form with what was
// typed, and a page past the end showing the last page.
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

const f = factories();
const db = testDb();

const h = useHarness();

async function shop() {
  const s = await f.shop();
  return { ...s, as: () => ({ guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) }) };
}

const item = (p: { id: string; name: string; sku: string; unitPriceCents: number }, quantity = 1) => ({
  productid: p.id,
  name: p.name,
  sku: p.sku,
  quantity,
  unitpricecents: p.unitPriceCents,
  currency: 'USD',
});
const address = { street: '5 Oak Ave', city: 'Portland', state: 'OR', zip: '97201', country: 'US' };

describe('legacy sequence (spec 004 "Typical Flow")', () => {
  it("/register → /order-item → /order-shipping → /order-payment → /order-submit with the shop's only shipping type", async () => {
    const s = await shop();
    await interact(h, commandInteraction(s.as(), 'register'));
    await interact(h, commandInteraction(s.as(), 'order-item', item(s.products[0]!)));
    await interact(h, commandInteraction(s.as(), 'order-shipping', address));
    const pay = await interact(h, commandInteraction(s.as(), 'order-payment', { paymentmethod: 'ZELLE' }));
    // The amount is shown before /order-submit places it.
    expect(textOf(pay)).toContain('Total: $30.00');
    const submitted = await interact(h, commandInteraction(s.as(), 'order-submit'));
    expect(textOf(submitted)).toContain('Order submitted');
    const order = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } });
    expect(order.shippingTypeId).toBe(s.shippingType.id);
    expect(order.totalCents).toBe(3000);
  });

  it('with several shipping types: autocomplete offers them and the option sets one', async () => {
    const s = await shop();
    const express = await f.shippingType({ tenantId: s.tenant.id, name: 'Express', priceCents: 1500 });
    const ac = commandInteraction(s.as(), 'order-shipping', { street: '5 Oak', shipping: 'exp' }) as {
      type: number;
      data: { options: { name: string; focused?: boolean }[] };
    };
    ac.type = 4;
    ac.data.options.find((o) => o.name === 'shipping')!.focused = true;
    const suggestions = (await interact(h, ac)) as unknown as { type: number; data: { choices: { name: string; value: string }[] } };
    expect(suggestions.type).toBe(8);
    expect(suggestions.data.choices).toEqual([{ name: 'Express · $15.00', value: express.id }]);

    await interact(h, commandInteraction(s.as(), 'order-start'));
    await interact(h, commandInteraction(s.as(), 'order-item', item(s.products[1]!, 2)));
    const shipped = await interact(h, commandInteraction(s.as(), 'order-shipping', { ...address, shipping: express.id }));
    expect(textOf(shipped)).toContain('Shipping: Express');
    await interact(h, commandInteraction(s.as(), 'order-payment', { paymentmethod: 'ZELLE' }));
    const submitted = await interact(h, commandInteraction(s.as(), 'order-submit'));
    expect(textOf(submitted)).toContain('Order submitted');
    expect((await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } })).shippingCents).toBe(1500);
  });

  it('without the option and several shipping types, the shipping select is offered', async () => {
    const s = await shop();
    await f.shippingType({ tenantId: s.tenant.id, name: 'Express', priceCents: 1500 });
    await interact(h, commandInteraction(s.as(), 'order-item', item(s.products[0]!)));
    const res = await interact(h, commandInteraction(s.as(), 'order-shipping', address));
    expect(customIdsOf(res)).toContain('order:shipping-type-select');
  });
});

describe('/order product select', () => {
  it('marks an out-of-stock product and answers "out of stock" instead of asking a quantity', async () => {
    const s = await shop();
    const sold = s.products[0]!;
    await db.product.update({ where: { id: sold.id }, data: { trackStock: true, stock: 0 } });
    const start = await interact(h, commandInteraction(s.as(), 'order'));
    const option = optionsOf(start, 'order:product-select').find((o) => o.value === sold.id) as { label: string; description?: string };
    expect(option.label).toContain('out of stock');
    expect(option.description).toMatch(/^Out of stock/);
    const picked = await interact(
      h,
      componentInteraction(s.as(), 'order:product-select', { values: [sold.id], message: messageOf(start) }),
    );
    expect(picked.type).not.toBe(9);
    expect(textOf(picked)).toMatch(/out of stock/i);
  });
});

describe('a refused address', () => {
  it('keeps what was typed and reopens the form filled with it', async () => {
    const s = await shop();
    const start = await interact(h, commandInteraction(s.as(), 'order'));
    const step = await interact(h, modalInteraction(s.as(), `order:qty-modal:${s.products[0]!.id}`, { quantity: '1' }, messageOf(start)));
    const typed = { name: 'Sam Smith', street: '12 Long Road\nFlat 3', city: 'Leeds', state: '', postal_country: 'LS1' };
    const refused = await interact(h, modalInteraction(s.as(), 'order:address:modal', typed, messageOf(step)));
    expect(textOf(refused)).toMatch(/postal code and the two-letter country/);
    expect(customIdsOf(refused)).toContain('order:address:retry');
    const reopened = await interact(h, componentInteraction(s.as(), 'order:address:retry', { message: messageOf(refused) }));
    expect(reopened.type).toBe(9);
    const values = Object.fromEntries(
      (reopened.data as unknown as { components: { components: { custom_id: string; value?: string }[] }[] }).components.map((r) => [
        r.components[0]!.custom_id,
        r.components[0]!.value,
      ]),
    );
    expect(values).toMatchObject({ name: 'Sam Smith', street: '12 Long Road\nFlat 3', city: 'Leeds', postal_country: 'LS1' });
    expect(values.state).toBeUndefined();
  });
});

describe('/orders pages', () => {
  it('a page past the end shows the last page', async () => {
    const s = await shop();
    for (let i = 0; i < 12; i++) await f.order({ tenantId: s.tenant.id, customerId: s.customer.id });
    const res = await interact(h, componentInteraction(s.as(), 'orders:page:40'));
    expect(textOf(res)).toContain('Page 2 of 2');
    expect(textOf(res)).not.toContain('No orders on this page');
  });
});
