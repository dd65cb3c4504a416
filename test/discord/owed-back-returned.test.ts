// A cancelled order with money received asks the admins, on its post, to return it ("cancelled: return $20.00 ... then
// tick it done on the order's page"). Ticking it done on the order's page (the panel's markRefundReturned, as
// components/manual-refund-todo.tsx posts it) left the post asking: nothing refreshed it. The tick now refreshes it
// (refund.manual_return_done > discord-admin-message) to say the money was returned, keeping the cancel's own words
// (the rejection's reason; the shop's note). Read back from the fake Discord API's stored message.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCtx } from '../helpers/actors.js';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { waitFor } from '../helpers/wait-for.js';
import { loggedIn } from '../admin/admin-helpers.js';
import { postedAdminMessage } from './admin-post.js';
import { commandInteraction, componentInteraction, interact, member, modalInteraction, useHarness } from './harness.js';

const f = factories();
const db = testDb();
const h = useHarness({ worker: true });
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = await new Promise<Server>((resolve) => {
    const s = h.t.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const RETURNED = '$20.00 of $55.00 received · cancelled: $20.00 returned to the customer';

/** A $55.00 Zelle order with its admin post, $20.00 of it recorded received with /payment-confirm. */
async function partPaidOrder() {
  const s = await f.shop();
  const order = await f.order({
    tenantId: s.tenant.id,
    customerId: s.customer.id,
    guildId: s.guild.id,
    paymentMethod: 'ZELLE',
    lines: [{ productId: s.products[0]!.id, name: 'Tee', quantity: 1, unitPriceCents: 5500 }],
  });
  const posted = await postedAdminMessage(h.t.services.bus, () => h.fake, s.tenant.id, order.id);
  const content = () => JSON.stringify(posted.now() ?? {});
  const admin = { guildId: s.guild.id, user: member({ roles: [s.tenant.adminRoleIds[0]!] }) };
  await interact(h, commandInteraction(admin, 'payment-confirm', { orderid: String(order.number), amount: 2000 }));
  await waitFor('the post to show the $20.00 received', () => (content().includes('$35.00 still owed') ? true : null));
  return { s, order, posted, content, admin };
}

/** Ticks the order's by-hand return done on its page in the panel, as a shop admin. */
async function tickReturned(tenantId: string, orderId: string) {
  const refund = await db.refund.findFirstOrThrow({ where: { orderId, manualReturnMethod: { not: null } } });
  const panel = await loggedIn(baseUrl, (await f.adminUser({ tenantId })).email);
  const res = await panel.agent
    .post(`/admin/api/resources/Order/records/${orderId}/markRefundReturned`)
    .set(panel.headers())
    .send({ refundId: refund.id });
  expect(res.body.notice).toMatchObject({ type: 'success', message: 'Marked as sent: $20.00 returned to the customer by Zelle.' });
}

describe("a cancelled order's post once the money received is ticked returned", () => {
  it('a rejected payment: the post stops asking for the $20.00 back and says it was returned, with the rejection kept', async () => {
    const { s, order, posted, content, admin } = await partPaidOrder();
    const post = () => ({ id: posted.messageId, channel_id: posted.channelId, ...(posted.now() ?? {}) });
    await interact(h, componentInteraction(admin, `payment:reject:${order.payment.id}`, { message: post() }));
    await interact(h, modalInteraction(admin, `payment:reject-modal:${order.payment.id}`, { reason: 'Wrong amount sent' }, post()));
    await waitFor('the post refreshed after the cancel', () => (content().includes('cancelled: return $20.00') ? true : null));

    await tickReturned(s.tenant.id, order.id);
    await waitFor('the post to say the money was returned', () => (content().includes(RETURNED) ? true : null));
    expect(content()).not.toContain('return $20.00');
    expect(content()).toContain('Payment rejected: Wrong amount sent');
  });

  it("the shop's cancel with a note: the refreshed post keeps 'Cancelled by the shop' and the note", async () => {
    const { s, order, content } = await partPaidOrder();
    await h.t.services.orderAdmin.cancel(adminCtx(s.tenant.id), order.id, { note: 'Out of stock' });
    await waitFor('the post refreshed after the cancel', () => (content().includes('cancelled: return $20.00') ? true : null));
    expect(content()).toContain('Cancelled by the shop: Out of stock');

    await tickReturned(s.tenant.id, order.id);
    await waitFor('the post to say the money was returned', () => (content().includes(RETURNED) ? true : null));
    expect(content()).toContain('Cancelled by the shop: Out of stock');
    expect(content()).not.toContain('return $20.00');
  });
});
