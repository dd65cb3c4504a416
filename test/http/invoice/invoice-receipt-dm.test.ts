// A paid order's invoice page says where the customer's receipt DM stands, read from what the notification job
// recorded (notifications/receipt-dm-state.ts): being sent (its job has not run), sent (Discord accepted it), or not
// sent (Discord refused it for good: DMs closed, 50007, or another refusal such as 10003 or 10013, kept as a missed
// notice as well since), when the page is the customer's receipt and shows what one holds. With none of these
// recorded (the records of a DM sent long ago gone), the page promises nothing.
// Before, every paid order's page said "Your receipt is sent to you in Discord as a direct message." from the moment
// it was paid, also to a customer whose DMs are closed and who never got one.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../../src/generated/prisma/index.js';
import { jobWaitingSql } from '../../../src/platform/jobs/job-waiting.js';
import type { WorkerHandle } from '../../../src/platform/jobs/worker.js';
import { adminCtx } from '../../helpers/actors.js';
import { factories } from '../../helpers/factories.js';
import { waitFor } from '../../helpers/wait-for.js';
import { startHarness, startHarnessWorker, type Harness } from '../../discord/harness.js';

const f = factories();
let h: Harness;
/** Started by the first test that needs the receipt job to run, so the page can be read before it does. */
let worker: WorkerHandle | undefined;

beforeAll(async () => {
  h = await startHarness({ env: { PUBLIC_BASE_URL: 'http://shop.test' } });
});
afterAll(async () => {
  await worker?.stop();
  await h.stop();
});

const runJobs = async () => {
  worker ??= await startHarnessWorker(h.t);
};

/** A Zelle order waiting for its payment, its invoice page's path, and a way to confirm the payment as an API key does. */
async function unpaidOrderWithLink() {
  const s = await f.shop();
  const order = await f.order({
    tenantId: s.tenant.id,
    customerId: s.customer.id,
    guildId: s.guild.id,
    paymentMethod: 'ZELLE',
    lines: [
      { productId: s.products[0]!.id, name: 'Blue Widget', quantity: 2, unitPriceCents: 1250 },
      { productId: s.products[1]!.id, name: 'Gadget', quantity: 1, unitPriceCents: 500 },
    ],
    shippingCents: 400,
    taxAmountCents: 210,
    totalCents: 2500 + 500 + 400 + 210,
  });
  const { url } = await h.t.services.invoices.createLink(adminCtx(s.tenant.id), order.id);
  const { key } = await h.t.services.apiKeys.create(adminCtx(s.tenant.id), 'till', 'READ_WRITE');
  const confirm = () =>
    request(h.t.app)
      .post(`/api/orders/${order.id}/payment/confirm`)
      .set({ authorization: `Bearer ${key}` })
      .send({})
      .expect(200);
  return { s, order, path: new URL(url).pathname, confirm };
}

const page = async (path: string) => (await request(h.t.app).get(path).expect(200)).text;
/**
 * Waits for the order's receipt job to end, read in the database: the page is read once after it, not polled (its rate
 * limit, 60 a minute, would answer 429 to a poll on a busy machine).
 */
async function receiptJobEnded(orderId: string): Promise<void> {
  await waitFor('the receipt job to end', async () => {
    const [row] = await h.t.services.db.$queryRaw<{ waiting: boolean }[]>(
      Prisma.sql`SELECT ${jobWaitingSql('order.paid>discord-notify', 'orderId', Prisma.sql`${orderId}::text`)} AS waiting`,
    );
    return row && !row.waiting ? true : undefined;
  });
}

/** Pays the order with Discord refusing its receipt DM once (`status`, Discord's error `body`); the page once its job ended. */
async function paidWithDmRefused(
  o: { order: { id: string }; path: string; confirm: () => Promise<unknown> },
  status: number,
  body: { message: string; code: number },
): Promise<string> {
  h.fake.fail({ method: 'POST', path: /^\/channels\/\d+\/messages$/, status, body, times: 1 });
  await o.confirm();
  await runJobs();
  await receiptJobEnded(o.order.id);
  return page(o.path);
}

const OLD_PROMISE = 'Your receipt is sent to you in Discord as a direct message.';

describe('the receipt DM, as the paid invoice page tells it', () => {
  it('says the receipt is being sent until its job ran, then that it was sent', async () => {
    const { s, order, path, confirm } = await unpaidOrderWithLink();
    expect(await page(path)).not.toContain('id="receipt"');
    await confirm();

    // Paid, the receipt's job not run yet (no worker): not "sent", and the page stands in for it meanwhile.
    const before = await page(path);
    expect(before).toContain('Paid — thank you');
    expect(before).toContain(
      '<div class="notice" id="receipt" data-state="sending">Your receipt is being sent to you in Discord as a direct message. Until it arrives, this page is your receipt.</div>',
    );
    expect(before).not.toContain(OLD_PROMISE);

    await runJobs();
    await waitFor('the receipt DM', () =>
      h.fake
        .directMessages()
        .find((m) => m.userId === s.customer.discordUserId && JSON.stringify(m.body).includes(`receipt for order #${order.number}`)),
    );
    await receiptJobEnded(order.id);
    const after = await page(path);
    expect(after).toContain(
      '<div class="notice" id="receipt" data-state="sent">Your receipt was sent to you in Discord as a direct message.</div>',
    );
    expect(after).not.toContain('this page is your receipt');
  });

  it('says a receipt Discord refused (DMs closed) was not sent, and that the page is the receipt, with what a receipt holds', async () => {
    const { s, order, path, confirm } = await unpaidOrderWithLink();
    const text = await paidWithDmRefused({ order, path, confirm }, 403, { message: 'Cannot send messages to this user', code: 50007 });
    expect(text).toContain(
      "We could not send your receipt to you in Discord: Discord did not accept a direct message to you (for example, when your direct messages are closed to this shop's server). This page is your receipt. Save or print it: this link stops working on",
    );
    expect(text).not.toContain(OLD_PROMISE);
    expect(text).not.toContain('data-state="sent"');
    expect(h.fake.directMessages().filter((m) => m.userId === s.customer.discordUserId)).toHaveLength(0);

    // What a receipt holds: the shop, the order number, the lines, the amounts, the method and when it was paid.
    const paid = await h.t.services.db.order.findFirstOrThrow({ where: { id: order.id }, select: { paidAt: true } });
    expect(text).toContain(`<h1>Order #${order.number}</h1>`);
    expect(text).toContain(s.tenant.name);
    expect(text).toContain('Blue Widget<div class="muted">2 × $12.50</div></td><td class="num">$25.00</td>');
    expect(text).toContain('Gadget<div class="muted">1 × $5.00</div></td><td class="num">$5.00</td>');
    expect(text).toContain('<tr><td>Sales tax</td><td class="num">$2.10</td></tr>');
    expect(text).toContain('<tr class="total"><td>Total</td><td class="num">$36.10</td></tr>');
    expect(text).toContain(`<p id="paid-with">Paid with Zelle on <time datetime="${paid.paidAt!.toISOString()}">`);
  });

  // Before, a refusal other than closed DMs ended the job with nothing recorded, and the page said "unknown": the
  // customer was not told their receipt never came. Now it is kept as a missed notice, and the page says not sent.
  it.each([
    { refusal: 'an unknown DM channel (404, 10003)', status: 404, body: { message: 'Unknown Channel', code: 10003 } },
    { refusal: 'missing access (403, 50001)', status: 403, body: { message: 'Missing Access', code: 50001 } },
  ])(
    'says a receipt Discord refused otherwise ($refusal) was not sent either, and that the page is the receipt',
    async ({ status, body }) => {
      const { order, path, confirm } = await unpaidOrderWithLink();
      const text = await paidWithDmRefused({ order, path, confirm }, status, body);
      expect(text).toContain(
        '<div class="notice" id="receipt" data-state="not-sent">We could not send your receipt to you in Discord: Discord did not accept a direct message to you (for example, when your direct messages are closed to this shop\'s server). This page is your receipt. Save or print it: this link stops working on',
      );
      expect(text).not.toContain('being sent');
      expect(text).not.toContain(OLD_PROMISE);
      const kept = await h.t.services.db.missedNotice.findFirstOrThrow({ where: { orderId: order.id } });
      expect(kept).toMatchObject({ kind: 'order-paid', refusedStatus: status, refusedCode: body.code });
    },
  );

  it('promises nothing once the receipt job ended and none of its records is left (a DM sent long ago)', async () => {
    const { s, order, path, confirm } = await unpaidOrderWithLink();
    await confirm();
    await runJobs();
    await receiptJobEnded(order.id);
    expect(h.fake.directMessages().filter((m) => m.userId === s.customer.discordUserId)).toHaveLength(1);
    // What the receipt left behind, gone as it goes with time (the delivery record) or an erasure (the DM's record).
    await h.t.services.db.$executeRaw`DELETE FROM notification_deliveries WHERE key LIKE ${`%${order.id}%`}`;
    await h.t.services.db.$executeRaw`DELETE FROM sent_direct_messages WHERE "orderId" = ${order.id}`;
    const text = await page(path);
    expect(text).toContain(
      '<div class="notice" id="receipt" data-state="unknown">This page is your receipt. Save or print it: this link stops working on',
    );
    expect(text).not.toContain('being sent');
    expect(text).not.toContain(OLD_PROMISE);
  });
});
