// The admin post of an order whose customer opened a checkout and walked away says when that checkout closes by
// itself if nobody pays (checkouts/checkout-expiry.ts), and the line goes at that time: the admins need not wait on it.
// - Cash App Pay (Square): the window is ours (nothing exists at Square before a charge), read by the database's clock;
//   the reconciliation, run as the cron runs it with the checkout's creation moved back in the database's time, leaves
//   the checkout open just before the stated time and retires it just after, and the post is edited to drop the line.
// - Bitcoin (BTCPay): the time is the invoice's expirationTime, as BTCPay answered it; BTCPay expires the invoice then,
//   its webhook closes the checkout, and the post drops the line.
// Through the real paths: the invoice page's Pay, the fakes' webhooks, the reconcile job and the notification jobs on a
// worker, the fake Discord API on the wire.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../src/dev/fake-discord-api.js';
import { UNCHARGED_CHECKOUT_WINDOW_MINUTES } from '../../src/modules/payments-processor/checkouts/checkout-expiry.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { postedAdminMessage } from './admin-post.js';
import { unpaidOrderLink } from '../http/invoice/invoice-fixtures.js';
import { runReconcileJob } from '../http/invoice/reconcile-job.js';
import { connectBtcPay, connectSquare, useProvidersApp } from '../http/invoice/square-btcpay-fixtures.js';

const db = testDb();
const f = factories();
const { env, discordApi } = useProvidersApp();

/** Moves a checkout's creation back in the database's time (the clock its window is read by). */
const makeOlder = (checkoutId: string, secs: number) =>
  db.$executeRaw`UPDATE payment_checkouts SET "createdAt" = "createdAt" - make_interval(secs => ${secs}::float8) WHERE id = ${checkoutId}`;

type Post = { embeds: { title?: string; description?: string }[] };
const descriptionOf = (c: RecordedCall) => (c.body as Post).embeds[0]!.description!;
const discordTime = (at: Date | number) => {
  const s = Math.floor(new Date(at).getTime() / 1000);
  return `<t:${s}:f> (<t:${s}:R>)`;
};

/** A shop with `connect`ed provider, an unpaid $42.50 order paid by `method`, and its admin post (posted before any checkout). */
async function orderWithPost(method: 'CASHAPP_PAY' | 'BTC_INVOICE') {
  const { tenant, guild, customer } = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
  if (method === 'CASHAPP_PAY') await connectSquare(env, tenant.id);
  else await connectBtcPay(env, tenant.id);
  const { order, path } = await unpaidOrderLink(env.t.services, { tenant, guild, customer }, { method, cents: 4250 });
  const posted = await postedAdminMessage(env.t.services.bus, discordApi, tenant.id, order.id);
  expect(descriptionOf({ body: posted.now() } as RecordedCall)).not.toContain('Customer opened');
  /** An edit of the post among the calls after `mark` whose words pass `pred`. */
  const editAfter = (mark: number, pred: (description: string) => boolean) =>
    discordApi().waitFor(
      (c) => discordApi().calls.indexOf(c) >= mark && c.method === 'PATCH' && c.path === posted.path && pred(descriptionOf(c)),
    );
  return { order, path, editAfter };
}

describe('the admin post says when an abandoned checkout closes by itself', () => {
  it('Cash App Pay: the window the reconciliation retires it at; the post drops the line once it has', async () => {
    const { order, path, editAfter } = await orderWithPost('CASHAPP_PAY');

    // The customer chooses Cash App Pay on the invoice page and never pays.
    const mark = discordApi().calls.length;
    await request(env.t.app).post(`${path}/pay`).type('form').send({ method: 'CASHAPP_PAY' }).expect(303);
    const checkout = await db.paymentCheckout.findFirstOrThrow({ where: { orderId: order.id } });
    const closesAt = checkout.createdAt.getTime() + UNCHARGED_CHECKOUT_WINDOW_MINUTES * 60_000;
    const open = descriptionOf(await editAfter(mark, (d) => d.includes('Customer opened a Cash App Pay checkout for $42.50')));
    expect(open).toContain(`If nobody pays it, it closes by itself ${discordTime(closesAt)} and this line goes.`);

    // The reconciliation a minute before that time leaves it open (the customer may still pay it)...
    await makeOlder(checkout.id, UNCHARGED_CHECKOUT_WINDOW_MINUTES * 60 - 60);
    await runReconcileJob(db);
    expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).state).toBe('OPEN');

    // ...and the first run past it retires it (EXPIRED): the post is edited, the line gone.
    const before = discordApi().calls.length;
    await makeOlder(checkout.id, 2 * 60);
    await runReconcileJob(db);
    expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).state).toBe('EXPIRED');
    const back = descriptionOf(await editAfter(before, (d) => !d.includes('Customer opened')));
    expect(back).toContain('Paid online with Cash App Pay');
  });

  it("Bitcoin: the invoice's expiry as BTCPay gave it; BTCPay expires it then, and the post drops the line", async () => {
    const { order, path, editAfter } = await orderWithPost('BTC_INVOICE');

    const mark = discordApi().calls.length;
    const res = await request(env.t.app).post(`${path}/pay`).type('form').send({ method: 'BTC_INVOICE' }).expect(303);
    const invoiceId = /\/i\/([^/?]+)$/.exec(String(res.headers.location))![1]!;
    const invoice = env.btcpay.invoices.get(invoiceId)!;
    const open = descriptionOf(await editAfter(mark, (d) => d.includes('Customer opened a Bitcoin (invoice) checkout for $42.50')));
    expect(open).toContain(`If nobody pays it, it closes by itself ${discordTime(invoice.expirationTime * 1000)} and this line goes.`);
    const checkout = await db.paymentCheckout.findFirstOrThrow({ where: { orderId: order.id } });
    expect(checkout.expiresAt).toEqual(new Date(invoice.expirationTime * 1000));

    // That time passes at BTCPay: the invoice is Expired, its webhook closes the checkout, the post drops the line.
    const before = discordApi().calls.length;
    env.btcpay.expire(invoiceId);
    await env.btcpay.idle();
    const back = descriptionOf(await editAfter(before, (d) => !d.includes('Customer opened')));
    expect(back).toContain('Paid online with Bitcoin (invoice)');
    expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).state).toBe('EXPIRED');
  });
});
