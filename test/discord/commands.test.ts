// The legacy flow (spec 004) start to "Order submitted", /orders history with pagination and details,
// /catalog with Order buttons, /help.
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
import { COMMAND_DEFINITIONS } from '../../src/surfaces/discord/commands/definitions.js';
import { COMMAND_ROUTES } from '../../src/surfaces/discord/routes.js';

const f = factories();
const db = testDb();

const h = useHarness();

async function shop() {
  const s = await f.shop();
  const user = member({ id: s.customer.discordUserId });
  return { ...s, user, as: (u = user) => ({ guildId: s.guild.id, user: u }) };
}

describe('command definitions', () => {
  it('routes every registered command and registers every routed one, with Discord-valid names', () => {
    expect(COMMAND_DEFINITIONS.map((d) => d.name).sort()).toEqual(Object.keys(COMMAND_ROUTES).sort());
    for (const d of COMMAND_DEFINITIONS) {
      expect(d.name).toMatch(/^[-_a-z0-9]{1,32}$/);
      expect(d.description.length).toBeLessThanOrEqual(100);
      for (const o of d.options ?? []) {
        expect(o.name).toMatch(/^[-_a-z0-9]{1,32}$/);
        expect(o.description.length).toBeLessThanOrEqual(100);
      }
    }
  });
});

describe('legacy flow', () => {
  it('/register → /product-list Add → /order-item → /order-shipping → /order-payment → /order-submit', async () => {
    const s = await shop();
    const [p1, p2] = s.products;
    const reg = await interact(h, commandInteraction(s.as(), 'register'));
    expect(textOf(reg)).toContain('Order session started');
    expect(customIdsOf(reg)).toEqual(['legacy:browse:0']);
    const again = await interact(h, commandInteraction(s.as(), 'order-start'));
    expect(textOf(again)).toContain('resumed');
    // Where the order stands, in the /order flow's step words (not the session state's name).
    expect(textOf(again)).toContain('You already have an order in progress: 0 items, at step 1. Product.');
    expect(textOf(again)).not.toContain('COLLECTING_ITEMS');

    const list = await interact(h, componentInteraction(s.as(), 'legacy:browse:0', { message: messageOf(reg) }));
    expect(customIdsOf(list)).toContain(`legacy:add:${p1!.id}`);
    const qty = await interact(h, componentInteraction(s.as(), `legacy:add:${p1!.id}`, { message: messageOf(list) }));
    expect(qty).toMatchObject({ type: 9, data: { custom_id: `order:qty-modal:${p1!.id}` } });
    await interact(h, modalInteraction(s.as(), `order:qty-modal:${p1!.id}`, { quantity: '1' }, messageOf(list)));

    // The catalog is the authority: a price that disagrees is refused with the catalog's value.
    const item = { productid: p2!.id, name: p2!.name, sku: p2!.sku, quantity: 2, unitpricecents: p2!.unitPriceCents, currency: 'usd' };
    const cheap = await interact(h, commandInteraction(s.as(), 'order-item', { ...item, unitpricecents: 1 }));
    expect(textOf(cheap)).toContain(`unitPriceCents is ${p2!.unitPriceCents}`);
    const added = await interact(h, commandInteraction(s.as(), 'order-item', item));
    expect(textOf(added)).toContain(`2 × ${p2!.name}`);
    const resumed = textOf(await interact(h, commandInteraction(s.as(), 'order-start')));
    expect(resumed).toContain('You already have an order in progress: 2 items, at step 2. Shipping address.');
    expect(resumed).not.toContain('COLLECTING_SHIPPING');

    const partial = await interact(h, commandInteraction(s.as(), 'order-shipping', { street: '5 Oak Ave' }));
    expect(textOf(partial)).toMatch(/city/);
    const shipping = await interact(
      h,
      commandInteraction(s.as(), 'order-shipping', { street: '5 Oak Ave', city: 'Portland', state: 'OR', zip: '97201', country: 'us' }),
    );
    // The shop's only shipping type is taken as the default: spec 004's sequence goes on to /order-payment.
    expect(textOf(shipping)).toContain(`Shipping: ${s.shippingType.name}`);
    expect(textOf(shipping)).toContain('/order-payment');

    const disabled = await interact(h, commandInteraction(s.as(), 'order-payment', { paymentmethod: 'CHIME' }));
    expect(textOf(disabled)).toMatch(/not enabled|payment method/i);
    // The refusal lists what the shop offers here, in the menu's words.
    expect(textOf(disabled)).toContain('Pick one of the payment methods the shop offers: Venmo, Zelle.');
    const pay = await interact(h, commandInteraction(s.as(), 'order-payment', { paymentmethod: 'ZELLE' }));
    expect(textOf(pay)).toContain('/order-submit');
    const submitted = await interact(h, commandInteraction(s.as(), 'order-submit'));
    expect(submitted.data.flags).toBe(64);
    expect(textOf(submitted)).toContain('Order submitted');
    expect(textOf(submitted)).toContain('Zelle pay@shop.test');
    const order = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id }, include: { items: true } });
    expect(order.items.map((i) => [i.productId, i.quantity, i.unitPriceCents]).sort()).toEqual(
      [
        [p1!.id, 1, p1!.unitPriceCents],
        [p2!.id, 2, p2!.unitPriceCents],
      ].sort(),
    );

    // /payment-confirm (admin) then /refund, as spec 004's typical flow ends.
    const notAdmin = await interact(h, commandInteraction(s.as(), 'payment-confirm', { orderid: String(order.number) }));
    expect(textOf(notAdmin)).toMatch(/Only shop admins/);
    const admin = member({ roles: s.tenant.adminRoleIds });
    const paid = await interact(h, commandInteraction(s.as(admin), 'payment-confirm', { orderid: String(order.number) }));
    expect(textOf(paid)).toContain(`Order #${order.number} marked as paid`);
    const refunded = await interact(h, commandInteraction(s.as(admin), 'refund', { order: `#${order.number}` }));
    expect(textOf(refunded)).toContain('REFUNDED');
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('REFUNDED');
  });

  it('/order-start on an order with its address but no shipping option says it is at the shipping step, and how to choose one', async () => {
    const s = await shop();
    // Two shipping options: none is taken as the default, so the address leaves the order without one (as an order begun
    // before the shop had shipping options is).
    const express = await f.shippingType({ tenantId: s.tenant.id, name: 'Express', priceCents: 1500 });
    const p = s.products[0]!;
    const line = { productid: p.id, name: p.name, sku: p.sku, quantity: 1, unitpricecents: p.unitPriceCents, currency: 'USD' };
    await interact(h, commandInteraction(s.as(), 'order-item', line));
    const address = { street: '5 Oak Ave', city: 'Portland', state: 'OR', zip: '97201', country: 'us' };
    const asked = await interact(h, commandInteraction(s.as(), 'order-shipping', address));
    expect(textOf(asked)).toContain('How should we ship it?');

    const resumed = textOf(await interact(h, commandInteraction(s.as(), 'order-start')));
    // It said "at step 4. Payment", and /order-payment then refused: "Choose a shipping option before choosing how to pay."
    expect(resumed).toContain(
      'You already have an order in progress: 1 item, at step 3. Shipping. Choose how it ships with the `shipping` option of `/order-shipping`.',
    );
    // The shipping option alone: the choice is confirmed and the order goes on (it was answered with the saved-address
    // picker, "Pick a saved address, or add a new one.", as if the address were still to give).
    const shipped = textOf(await interact(h, commandInteraction(s.as(), 'order-shipping', { shipping: express.id })));
    expect(shipped).toContain('Shipping saved');
    expect(shipped).toContain('Shipping: Express');
    expect(shipped).toContain('Next: `/order-payment`.');
    expect(shipped).not.toContain('Pick a saved address');
    expect(textOf(await interact(h, commandInteraction(s.as(), 'order-start')))).toContain(
      'You already have an order in progress: 1 item, at step 4. Payment.',
    );
  });

  it('/order-shipping with saved addresses: select, confirm; edit opens a prefilled modal', async () => {
    const s = await shop();
    const saved = await f.address({ tenantId: s.tenant.id, customerId: s.customer.id });
    await interact(
      h,
      commandInteraction(s.as(), 'order-item', {
        productid: s.products[0]!.id,
        name: s.products[0]!.name,
        sku: s.products[0]!.sku,
        quantity: 1,
        unitpricecents: s.products[0]!.unitPriceCents,
        currency: 'USD',
      }),
    );
    const pick = await interact(h, commandInteraction(s.as(), 'order-shipping'));
    expect(optionsOf(pick, 'legacy:address-select').map((o) => o.value)).toEqual([saved.id]);
    const chosen = await interact(
      h,
      componentInteraction(s.as(), 'legacy:address-select', { values: [saved.id], message: messageOf(pick) }),
    );
    expect(customIdsOf(chosen)).toEqual([`legacy:address-confirm:${saved.id}`, `legacy:address-edit:${saved.id}`, 'legacy:address-new']);
    const edit = await interact(h, componentInteraction(s.as(), `legacy:address-edit:${saved.id}`, { message: messageOf(chosen) }));
    expect(edit.type).toBe(9);
    expect(JSON.stringify(edit.data)).toContain(saved.line1);
    const confirmed = await interact(h, componentInteraction(s.as(), `legacy:address-confirm:${saved.id}`, { message: messageOf(chosen) }));
    expect(textOf(confirmed)).toContain('/order-payment');

    // Another customer's saved address cannot be used through a crafted id.
    const other = await f.customer({ tenantId: s.tenant.id });
    const theirs = await f.address({ tenantId: s.tenant.id, customerId: other.id });
    const crafted = await interact(h, componentInteraction(s.as(), `legacy:address-confirm:${theirs.id}`, { message: messageOf(chosen) }));
    expect(crafted.type).toBe(4);
    expect(textOf(crafted)).toMatch(/not found|address/i);
  });

  it('/order-shipping with no saved address opens the address modal', async () => {
    const s = await shop();
    await interact(
      h,
      commandInteraction(s.as(), 'order-item', {
        productid: s.products[1]!.id,
        name: s.products[1]!.name,
        sku: s.products[1]!.sku,
        quantity: 1,
        unitpricecents: s.products[1]!.unitPriceCents,
        currency: 'USD',
      }),
    );
    const res = await interact(h, commandInteraction(s.as(), 'order-shipping'));
    expect(res).toMatchObject({ type: 9, data: { custom_id: 'legacy:address-modal' } });
  });
});

describe('/orders', () => {
  it("lists 10 a page newest first, paginates, and shows details of the caller's own order", async () => {
    const s = await shop();
    const orders = [];
    for (let i = 0; i < 12; i++)
      orders.push(await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, createdAt: new Date(Date.UTC(2026, 0, 1 + i)) }));
    const first = await interact(h, commandInteraction(s.as(), 'orders'));
    expect(first.data.flags).toBe(64);
    const newest = orders.at(-1)!;
    expect(textOf(first).indexOf(`#${newest.number}`)).toBeLessThan(textOf(first).indexOf(`#${orders.at(-2)!.number}`));
    const ids = customIdsOf(first);
    expect(ids.filter((i) => i.startsWith('orders:detail:'))).toHaveLength(10);
    expect(ids).toContain('orders:page:1');
    const second = await interact(h, componentInteraction(s.as(), 'orders:page:1', { message: messageOf(first) }));
    expect(second.type).toBe(7);
    expect(customIdsOf(second).filter((i) => i.startsWith('orders:detail:'))).toHaveLength(2);
    expect(textOf(second)).toContain(`#${orders[0]!.number}`);

    const detail = await interact(h, componentInteraction(s.as(), `orders:detail:${orders[0]!.id}:1`, { message: messageOf(second) }));
    expect(textOf(detail)).toContain(`Order #${orders[0]!.number}`);
    expect(textOf(detail)).toContain('Subtotal');
    // Unpaid: the customer can cancel it (issue 12), and the detail says until when it can be paid. Cancel order
    // (and Pay now, for an order paid online) comes first, "Back to orders" below it.
    expect(customIdsOf(detail)).toEqual([`orders:cancel:${orders[0]!.id}:1`, 'orders:page:1']);
    expect(textOf(detail)).toMatch(/Pay by\n<t:\d+:f>/);
  });

  it('says so when there are no orders', async () => {
    const s = await shop();
    const res = await interact(h, commandInteraction(s.as(), 'orders'));
    expect(textOf(res)).toContain('no orders yet');
  });
});

describe('/catalog and /help', () => {
  it('shows product embeds whose Order buttons open the quantity modal', async () => {
    const s = await shop();
    const res = await interact(h, commandInteraction(s.as(), 'catalog'));
    expect(res.data.embeds).toHaveLength(2);
    expect(customIdsOf(res)).toEqual(s.products.map((p) => `catalog:order:${p.id}`));
    const modal = await interact(h, componentInteraction(s.as(), `catalog:order:${s.products[0]!.id}`, { message: messageOf(res) }));
    expect(modal).toMatchObject({ type: 9, data: { custom_id: `order:qty-modal:${s.products[0]!.id}` } });
    // Submitting from the catalog message starts a new ephemeral flow message instead of replacing the catalog.
    const next = await interact(h, modalInteraction(s.as(), `order:qty-modal:${s.products[0]!.id}`, { quantity: '1' }, messageOf(res)));
    expect(next.type).toBe(4);
    expect(customIdsOf(next)).toContain('order:address:new');
  });

  it('/help lists modern commands, not legacy ones unless asked; admin commands only for admins', async () => {
    const s = await shop();
    const plain = textOf(await interact(h, commandInteraction(s.as(), 'help')));
    expect(plain).toContain('/order');
    expect(plain).toContain('/orders');
    expect(plain).not.toContain('/order-start');
    expect(plain).not.toContain('/refund');
    const legacy = textOf(await interact(h, commandInteraction(s.as(), 'help', { legacy: true })));
    expect(legacy).toContain('/order-start');
    const admin = textOf(await interact(h, commandInteraction(s.as(member({ roles: s.tenant.adminRoleIds })), 'help')));
    expect(admin).toContain('/refund');
  });
});
