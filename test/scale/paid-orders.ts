// Paid orders for the worker's scale tests: each of `count` new customers of the shop buys one unit of the
// product, and an admin confirms the payment (as the panel's Approve does), so the order's "paid" jobs are
// queued (the customer's DM, its roles, its webhooks). No job has run.
import type { Services } from '../../src/container.js';
import { adminCtx } from '../helpers/actors.js';
import type { factories } from '../helpers/factories.js';

/** The new customers' Discord user ids, in the order they paid. */
export async function paidOrders(
  services: Services,
  f: ReturnType<typeof factories>,
  shop: { tenantId: string; guildId: string; productId: string },
  count: number,
): Promise<string[]> {
  const users: string[] = [];
  for (let i = 0; i < count; i++) {
    const customer = await f.customer({ tenantId: shop.tenantId });
    const order = await f.order({
      tenantId: shop.tenantId,
      customerId: customer.id,
      guildId: shop.guildId,
      lines: [{ productId: shop.productId, quantity: 1, unitPriceCents: 1500 }],
    });
    await services.payments.confirm(adminCtx(shop.tenantId), { orderId: order.id });
    users.push(customer.discordUserId);
  }
  return users;
}
