// The order's post in the shop's admin channel, edited by the events that change what it shows, and only by them:
// - an admin changing the lines of the unpaid order in the panel edits the post to the new lines and total
//   (order.items_changed > discord-admin-message): before, the post kept the old lines and total to approve;
// - a checkout of the order closing after the order was cancelled (an abandoned PayPal checkout voided once the
//   order expired or was cancelled) leaves the post's reason as it is: that refresh ran without the cancel's reason
//   and turned "Cancelled by the shop: <note>" into a bare "Cancelled" (found by review).
// Read back from the fake Discord API's stored message.
import { expect, it } from 'vitest';
import { EVENTS } from '../../src/modules/shared/events.js';
import { withTransaction } from '../../src/platform/db/prisma.js';
import { adminCtx } from '../helpers/actors.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { waitFor } from '../helpers/wait-for.js';
import { postedAdminMessage } from './admin-post.js';
import { loadedRow, loggedIn } from '../admin/admin-helpers.js';
import { useHarness, useHarnessServer } from './harness.js';

const f = factories();
const db = testDb();
const h = useHarness({ worker: true });
const served = useHarnessServer(h);

/** A shop's unpaid order of one line, posted to its admin channel; `post()` reads the post as Discord holds it. */
async function postedOrder() {
  const s = await f.shop();
  const [p1, p2] = s.products;
  const order = await f.order({
    tenantId: s.tenant.id,
    customerId: s.customer.id,
    guildId: s.guild.id,
    lines: [{ productId: p1!.id, name: p1!.name, quantity: 1, unitPriceCents: p1!.unitPriceCents }],
  });
  const posted = await postedAdminMessage(h.t.services.bus, () => h.fake, s.tenant.id, order.id);
  const post = () => JSON.stringify(posted.now() ?? {});
  return { s, p1: p1!, p2: p2!, order, post };
}

it("an admin's edit of an unpaid order's lines in the panel edits its admin-channel post: the new lines and total", async () => {
  const { s, p1, p2, order, post } = await postedOrder();
  expect(post()).not.toContain(p2.name);

  const admin = await loggedIn(served.baseUrl, (await f.adminUser({ tenantId: s.tenant.id })).email);
  const res = await admin.agent
    .post(`/admin/api/resources/Order/records/${order.id}/edit`)
    .set(admin.headers())
    .field('shownValuesJson', (await loadedRow(admin, 'Order', order.id)).shownValuesJson)
    .field(
      'lineItems',
      JSON.stringify([
        { productId: p1.id, quantity: 2 },
        { productId: p2.id, quantity: 1 },
      ]),
    );
  expect(res.body.notice, JSON.stringify(res.body)).toMatchObject({ type: 'success' });
  const edited = await db.order.findUniqueOrThrow({ where: { id: order.id } });
  expect(edited.totalCents).not.toBe(order.totalCents);

  const total = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(edited.totalCents / 100);
  await waitFor('the post to show the new lines and total', () => (post().includes(p2.name) && post().includes(total) ? true : null));
  expect(post()).toContain(p1.name);
});

it("a checkout's state changing after the order was cancelled leaves the post saying who cancelled and why", async () => {
  const { s, order, post } = await postedOrder();
  await h.t.services.orderAdmin.cancel(adminCtx(s.tenant.id), order.id, { note: 'customer asked by email' });
  await waitFor('the post to say the shop cancelled', () =>
    post().includes('Cancelled by the shop: customer asked by email') ? true : null,
  );

  // What voiding an abandoned checkout of the order emits (checkouts/order-checkout-now.ts announceCheckoutState).
  await withTransaction(db, (tx) =>
    h.t.services.bus.emit(tx, EVENTS.checkoutStateChanged, {
      tenantId: s.tenant.id,
      orderId: order.id,
      checkoutId: 'voided-checkout',
      state: 'VOIDED',
    }),
  );
  // Its job in the shop's admin-channel lane has run once its row is gone.
  await waitFor('the checkout event to be handled', async () => {
    const [row] = await db.$queryRaw<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM lane_jobs WHERE "tenantId" = ${s.tenant.id} AND "failedAt" IS NULL`;
    return row?.n === 0 ? true : null;
  });
  expect(post()).toContain('Cancelled by the shop: customer asked by email');
});
