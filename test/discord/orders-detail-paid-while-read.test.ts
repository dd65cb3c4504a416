// /orders detail read while the order is paid. It reads the order, then what the order delivered: a payment landing
// between the two (it hands out the keys in the transaction that marks the order paid) showed the licence key beside
// "Pay by", Pay now and Cancel order, an order both unpaid and delivered. Keys beside an unpaid order now have the
// order read again. Here the payment lands right after the order's read, through the endpoint a customer presses.
import { expect, it } from 'vitest';
import { adminCtx } from '../helpers/actors.js';
import { factories } from '../helpers/factories.js';
import { commandInteraction, componentInteraction, customIdsOf, interact, member, messageOf, useHarness, textOf } from './harness.js';

const f = factories();
const h = useHarness({ worker: false });

it('a payment landing between the order read and its keys: the key shown with the order paid, never beside Pay', async () => {
  const s = await f.shop();
  const tenantId = s.tenant.id;
  const keyProduct = await f.product({ tenantId, name: 'Game key', trackStock: true, stock: 0 });
  await h.t.services.digitalGoods.uploadKeys(adminCtx(tenantId), keyProduct.id, 'KEY-PAID-WHILE-READ');
  const order = await f.order({
    tenantId,
    customerId: s.customer.id,
    guildId: s.guild.id,
    lines: [{ productId: keyProduct.id, name: 'Game key', quantity: 1, unitPriceCents: 1000 }],
  });
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId, roles: [] }) };
  const list = await interact(h, commandInteraction(as, 'orders'));

  // The admin confirms the payment the moment the detail has read the order (still unpaid).
  const orders = h.t.services.orders;
  const get = orders.get;
  let paid = false;
  orders.get = async (...args) => {
    const read = await get.apply(orders, args);
    if (!paid && read.id === order.id) {
      paid = true;
      await h.t.services.payments.confirm(adminCtx(tenantId), { orderId: order.id });
    }
    return read;
  };
  try {
    const reply = await interact(h, componentInteraction(as, `orders:detail:${order.id}:0`, { message: messageOf(list) }));
    expect(paid).toBe(true);
    // The key, with the order as paid: nothing to pay, and only the way back to the list.
    const detail = textOf(reply);
    expect(detail).toContain('`KEY-PAID-WHILE-READ`');
    expect(detail).not.toContain('Pay by');
    expect(customIdsOf(reply)).toEqual(['orders:page:0']);
  } finally {
    orders.get = get;
  }
  // Read again: paid, with its key, and nothing to pay.
  const again = textOf(await interact(h, componentInteraction(as, `orders:detail:${order.id}:0`, { message: messageOf(list) })));
  expect(again).toContain('`KEY-PAID-WHILE-READ`');
  expect(again).not.toContain('Pay by');
});
