// A cancelled order with money received asks the admins, on its post, to return it ("cancelled: return $20.00 ... then
// tick it done on the order's page"). Ticking it done on the order's page (the panel's markRefundReturned, as
// components/manual-refund-todo.tsx posts it) left the post asking: nothing refreshed it. The tick now refreshes it
// (refund.manual_return_done > discord-admin-message) to say the money was returned, keeping the cancel's own words
// (the rejection's reason; the shop's note). Read back from the fake Discord API's stored message.
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../helpers/actors.js';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { waitFor } from '../helpers/wait-for.js';
import { loggedIn } from '../admin/admin-helpers.js';
import { partPaidZelleOrder } from './part-paid-order.js';
import { componentInteraction, interact, modalInteraction, useHarness, useHarnessServer } from './harness.js';

const f = factories();
const db = testDb();
const h = useHarness({ worker: true });
const server = useHarnessServer(h);

const RETURNED = '$20.00 of $55.00 received · cancelled: $20.00 returned to the customer';

/** A $55.00 Zelle order with its admin post, $20.00 of it recorded received with /payment-confirm. */
async function partPaidOrder() {
  const { s, order, posted, content, admins } = await partPaidZelleOrder(h);
  return { s, order, posted, content, admin: admins[0]! };
}

/** Ticks the order's by-hand return done on its page in the panel, as a shop admin. */
async function tickReturned(tenantId: string, orderId: string) {
  const refund = await db.refund.findFirstOrThrow({ where: { orderId, manualReturnMethod: { not: null } } });
  const panel = await loggedIn(server.baseUrl, (await f.adminUser({ tenantId })).email);
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
