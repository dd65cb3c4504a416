// Admin commands and buttons (/refund in every mode, reject with a reason) and how notifications survive
// Discord's failures: DMs closed (50007: not retried, recorded), another refusal for good (10013 Unknown User,
// 50001 Missing Access: not retried, kept as a missed notice with Discord's code, admins told, the customer's DMs
// not marked closed), 429 with Retry-After and 5xx (retried, delivered once).
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { commandInteraction, componentInteraction, interact, member, modalInteraction, useHarness, textOf } from './harness.js';
import { EVENTS } from '../../src/modules/shared/events.js';
import { withTransaction } from '../../src/platform/db/prisma.js';
import { waitFor } from '../helpers/wait-for.js';
import { waitForJobsDone } from '../helpers/job-queue.js';
import { paidShopOrder } from './flows.js';

const f = factories();
const db = testDb();

const h = useHarness({ worker: true });

const paidOrder = () => paidShopOrder(f);

describe('/refund', () => {
  it('refunds partially by amount (no inventory change), then by items, then the rest in full', async () => {
    const s = await paidOrder();
    const byAmount = await interact(
      h,
      commandInteraction(s.asAdmin, 'refund', { order: s.order.id, amount: 500, reason: 'Damage compensation' }),
    );
    expect(textOf(byAmount)).toContain('Refund of $5.00 recorded');
    expect(textOf(byAmount)).toContain('Mode: Partial by amount');
    expect(textOf(byAmount)).toContain('No inventory change');

    const byItems = await interact(
      h,
      commandInteraction(s.asAdmin, 'refund', { order: String(s.order.number), items: `${s.p1.id}:1, ${s.p2.id}` }),
    );
    expect(textOf(byItems)).toContain('Mode: Partial by items');
    expect(textOf(byItems)).toContain('Refund of $30.00 recorded');
    expect(textOf(byItems)).toContain('Admin-initiated refund');

    const full = await interact(h, commandInteraction(s.asAdmin, 'refund', { order: s.order.id }));
    expect(textOf(full)).toContain('Mode: Full refund');
    expect(textOf(full)).toContain('Refund of $20.00 recorded');
    const after = await db.order.findUniqueOrThrow({ where: { id: s.order.id } });
    expect(after.status).toBe('REFUNDED');
    expect(after.refundedTotalCents).toBe(5500);

    const nothing = await interact(h, commandInteraction(s.asAdmin, 'refund', { order: s.order.id }));
    expect(nothing.data.flags).toBe(64);
    expect(textOf(nothing)).toMatch(/Could not do that|refund/i);
  });

  it("an item refund of a taxed, discounted order returns the items' share of the tax: the reply and the DM say which part is tax", async () => {
    const s = await f.shop();
    const [p1, p2] = s.products;
    // 2 x 25.00 + 1 x 5.00 = 55.00, discount 5.50, shipping 4.50, tax 4.10: total 58.10.
    // Discount split 5.00 / 0.50; tax split over 45.00 / 4.50 / shipping 4.50: 3.42 / 0.34 / 0.34.
    const order = await f.order({
      tenantId: s.tenant.id,
      customerId: s.customer.id,
      guildId: s.guild.id,
      status: 'PAID',
      paymentStatus: 'paid',
      discountCents: 550,
      shippingCents: 450,
      taxAmountCents: 410,
      totalCents: 5810,
      lines: [
        { productId: p1!.id, name: p1!.name, quantity: 2, unitPriceCents: 2500 },
        { productId: p2!.id, name: p2!.name, quantity: 1, unitPriceCents: 500 },
      ],
    });
    const admin = { guildId: s.guild.id, user: member({ roles: [s.tenant.adminRoleIds[0]!] }) };
    const res = await interact(h, commandInteraction(admin, 'refund', { order: order.id, items: `${p1!.id}:1` }));
    // One of two units: 25.00 - 2.50 discount + 3.42 / 2 = 1.71 tax = 24.21.
    expect(textOf(res)).toContain('Refund of $24.21 recorded');
    expect(textOf(res)).toContain('Items $25.00 · discount −$2.50 · sales tax $1.71');
    expect(await db.refund.findFirstOrThrow({ where: { orderId: order.id } })).toMatchObject({
      amountCents: 2421,
      taxCents: 171,
      discountCents: 250,
      shippingCents: 0,
    });
    const dm = await h.fake.waitFor(
      (c) =>
        c.method === 'POST' &&
        /^\/channels\/\d+\/messages$/.test(c.path) &&
        JSON.stringify(c.body).includes('The shop is sending **$24.21** back to you by Venmo.'),
    );
    expect(JSON.stringify(dm.body)).toContain('Items $25.00 · discount −$2.50 · sales tax $1.71.');
    expect(h.fake.dmRecipient(dm.path.split('/')[2]!)).toBe(s.customer.discordUserId);
  });

  it('rejects amount and items together, pointing to the admin panel, and changes nothing', async () => {
    const s = await paidOrder();
    const res = await interact(h, commandInteraction(s.asAdmin, 'refund', { order: s.order.id, amount: 100, items: `${s.p1.id}:1` }));
    expect(textOf(res)).toMatch(/not both/);
    expect(textOf(res)).toMatch(/admin panel/);
    expect(await db.refund.count({ where: { orderId: s.order.id } })).toBe(0);
  });

  it('explains malformed items and unknown orders', async () => {
    const s = await paidOrder();
    const bad = await interact(h, commandInteraction(s.asAdmin, 'refund', { order: s.order.id, items: 'prod-1:two' }));
    expect(textOf(bad)).toMatch(/Invalid refund items/);
    const unknown = await interact(h, commandInteraction(s.asAdmin, 'refund', { order: '#99999' }));
    expect(textOf(unknown)).toMatch(/not found/i);
    expect(await db.refund.count({ where: { orderId: s.order.id } })).toBe(0);
  });

  it('a replayed /refund interaction refunds once', async () => {
    const s = await paidOrder();
    const i = commandInteraction(s.asAdmin, 'refund', { order: s.order.id, amount: 100 });
    await interact(h, i);
    const again = await interact(h, i);
    expect(textOf(again)).toMatch(/already handled/);
    expect(await db.refund.count({ where: { orderId: s.order.id } })).toBe(1);
  });
});

describe('reject button and modal', () => {
  it('opens a reason modal, cancels the order and DMs the customer the reason', async () => {
    const s = await f.shop();
    const order = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, guildId: s.guild.id });
    const admin = { guildId: s.guild.id, user: member({ roles: [s.tenant.adminRoleIds[0]!] }) };
    const adminMessage = {
      id: '1',
      channel_id: s.tenant.adminChannelId,
      embeds: [{ title: `New order #${order.number}` }],
      components: [],
    };
    const opened = await interact(h, componentInteraction(admin, `payment:reject:${order.payment.id}`, { message: adminMessage }));
    // The modal carries what the order had received when it opened (nothing here): rejected only while it still has that.
    expect(opened).toMatchObject({ type: 9, data: { custom_id: `payment:reject-modal:${order.payment.id}:r0`, title: 'Reject payment' } });
    const empty = await interact(h, modalInteraction(admin, `payment:reject-modal:${order.payment.id}`, { reason: '  ' }, adminMessage));
    expect(textOf(empty)).toMatch(/reason/);
    const done = await interact(
      h,
      modalInteraction(admin, `payment:reject-modal:${order.payment.id}`, { reason: 'No payment arrived' }, adminMessage),
    );
    expect(done.type).toBe(7);
    expect(textOf(done)).toContain('Rejected by');
    expect(textOf(done)).toContain('No payment arrived');
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('CANCELLED');
    const dm = await h.fake.waitFor(
      (c) => c.method === 'POST' && /^\/channels\/\d+\/messages$/.test(c.path) && JSON.stringify(c.body).includes('No payment arrived'),
    );
    expect(h.fake.dmRecipient(dm.path.split('/')[2]!)).toBe(s.customer.discordUserId);
  });
});

/** Emits order.paid for an order in its own transaction, as the payment service does. */
async function emitPaid(tenantId: string, orderId: string, paymentId: string) {
  await withTransaction(db, (tx) => h.t.services.bus.emit(tx, EVENTS.orderPaid, { tenantId, orderId, paymentId }));
}

/** Message posts to the DM channel of one user containing `text`, in order. */
function dmPostsTo(userId: string, text: string) {
  return h.fake.calls.filter(
    (c) =>
      c.method === 'POST' &&
      /^\/channels\/\d+\/messages$/.test(c.path) &&
      h.fake.dmRecipient(c.path.split('/')[2]!) === userId &&
      JSON.stringify(c.body).includes(text),
  );
}

describe('notification failures', () => {
  it('DMs closed (403, 50007): not retried, recorded on the order and the customer', async () => {
    const s = await f.shop();
    const order = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, status: 'PAID', paymentStatus: 'paid' });
    h.fake.fail({
      method: 'POST',
      path: /^\/channels\/\d+\/messages$/,
      status: 403,
      body: { message: 'Cannot send messages to this user', code: 50007 },
      times: 1,
    });
    const before = h.fake.calls.length;
    await emitPaid(s.tenant.id, order.id, order.payment.id);
    const o = await waitFor('customerDmFailedAt set on the order', async () => {
      const row = await db.order.findUniqueOrThrow({ where: { id: order.id } });
      return row.customerDmFailedAt ? row : undefined;
    });
    expect(o.customerDmFailedAt).toBeInstanceOf(Date);
    expect((await db.customer.findUniqueOrThrow({ where: { id: s.customer.id } })).dmClosedAt).toBeInstanceOf(Date);
    // The job ends (no retry pending) once it has told the admins who was not reached about what.
    const jobsLeft = async () =>
      Number(
        (
          await db.$queryRaw<
            { n: bigint }[]
          >`SELECT count(*) AS n FROM graphile_worker._private_jobs WHERE payload::text LIKE ${`%${order.id}%`}`
        )[0]!.n,
      );
    const notesToAdmins = () =>
      h.fake.calls.filter(
        (c) =>
          c.method === 'POST' &&
          c.path === `/channels/${s.tenant.adminChannelId}/messages` &&
          JSON.stringify(c.body).includes('Customer not reached'),
      );
    await waitFor('the receipt job to end after telling the admins', async () => notesToAdmins().length > 0 && (await jobsLeft()) === 0);
    expect(h.fake.calls.length).toBeGreaterThan(before);
    expect(dmPostsTo(s.customer.discordUserId, '').map((c) => c.status)).toEqual([403]);
    // Told once.
    const notes = notesToAdmins();
    expect(notes).toHaveLength(1);
    expect(JSON.stringify(notes[0]!.body)).toContain(`<@${s.customer.discordUserId}>`);
    expect(JSON.stringify(notes[0]!.body)).toContain(`the payment receipt for order #${order.number}`);
  });

  it("while a customer's DMs are known closed, later notices skip the DM and still tell the admins", async () => {
    const s = await f.shop();
    await db.customer.update({ where: { id: s.customer.id }, data: { dmClosedAt: new Date() } });
    const order = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, status: 'PAID', paymentStatus: 'paid' });
    await emitPaid(s.tenant.id, order.id, order.payment.id);
    const note = await h.fake.waitFor(
      (c) =>
        c.method === 'POST' &&
        c.path === `/channels/${s.tenant.adminChannelId}/messages` &&
        JSON.stringify(c.body).includes(`order #${order.number}`),
    );
    expect(JSON.stringify(note.body)).toContain('does not accept direct messages');
    expect(dmPostsTo(s.customer.discordUserId, '')).toEqual([]);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).customerDmFailedAt).toBeInstanceOf(Date);
  });

  // Before, any refusal but 50007 only logged a warning and ended the job: the customer never got the receipt, no
  // missed notice was kept, and nobody in the shop learnt of it.
  it.each([
    { refusal: '403, 50001 Missing Access', status: 403, body: { message: 'Missing Access', code: 50001 }, atOpen: false },
    { refusal: '404, 10013 Unknown User (account deleted)', status: 404, body: { message: 'Unknown User', code: 10013 }, atOpen: true },
  ])(
    "a receipt DM Discord refuses for good ($refusal): kept as a missed notice with Discord's code, admins told, DMs not marked closed",
    async ({ status, body, atOpen }) => {
      const s = await f.shop();
      const userId = s.customer.discordUserId;
      const order = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, status: 'PAID', paymentStatus: 'paid' });
      h.fake.refuseDms(userId, status, body, { atOpen });
      await emitPaid(s.tenant.id, order.id, order.payment.id);
      const note = await h.fake.waitFor(
        (c) =>
          c.method === 'POST' &&
          c.path === `/channels/${s.tenant.adminChannelId}/messages` &&
          JSON.stringify(c.body).includes('Customer not reached') &&
          JSON.stringify(c.body).includes(`order #${order.number}`),
      );
      const said = JSON.stringify(note.body);
      expect(said).toContain(`<@${userId}>`);
      expect(said).toContain(`payment receipt for order #${order.number}`);
      expect(said).toContain(`Discord refused it (${status}, code ${body.code} ${body.message}`);
      expect(said).not.toContain('does not accept direct messages');
      await waitForJobsDone();

      const notices = await db.missedNotice.findMany({ where: { orderId: order.id } });
      expect(notices).toEqual([expect.objectContaining({ kind: 'order-paid', refusedStatus: status, refusedCode: body.code })]);
      expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).customerDmFailedAt).toBeInstanceOf(Date);
      // Not the customer's closed DMs: no fast path for their next DM.
      expect((await db.customer.findUniqueOrThrow({ where: { id: s.customer.id } })).dmClosedAt).toBeNull();

      // Their next DM is tried (here Discord accepts it again), not skipped as for closed DMs.
      h.fake.acceptDms(userId);
      await withTransaction(db, (tx) => h.t.services.bus.emit(tx, EVENTS.orderDelivered, { tenantId: s.tenant.id, orderId: order.id }));
      await waitFor('the delivery DM', async () => dmPostsTo(userId, '').some((c) => c.status === 200));
      await waitForJobsDone();
      expect(await db.missedNotice.count({ where: { orderId: order.id } })).toBe(1);
    },
  );

  it('429 with Retry-After is waited out and the receipt is delivered once', async () => {
    const s = await f.shop();
    const order = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, status: 'PAID', paymentStatus: 'paid' });
    h.fake.fail({
      method: 'POST',
      path: /^\/channels\/\d+\/messages$/,
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: 0.2, global: false },
      headers: { 'retry-after': '0.2' },
      times: 1,
    });
    await emitPaid(s.tenant.id, order.id, order.payment.id);
    await waitFor('the DM about the order', async () =>
      h.fake
        .directMessages()
        .some((m) => m.userId === s.customer.discordUserId && JSON.stringify(m.body).includes(`order #${order.number}`)),
    );
    const ok = dmPostsTo(s.customer.discordUserId, 'receipt for order');
    expect(ok.map((c) => c.status)).toEqual([429, 200]); // waited out, then delivered once
    expect(h.fake.directMessages().filter((m) => m.userId === s.customer.discordUserId)).toHaveLength(1);
  });

  it('5xx is retried (job backoff) until delivered, once', async () => {
    const s = await f.shop();
    const order = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, status: 'PAID', paymentStatus: 'paid' });
    // Two failures: the REST client's one immediate retry, then a thrown error and a job retry.
    h.fake.fail({
      method: 'POST',
      path: /^\/channels\/\d+\/messages$/,
      status: 500,
      body: { message: 'Internal Server Error', code: 0 },
      times: 2,
    });
    await emitPaid(s.tenant.id, order.id, order.payment.id);
    const receipt = `receipt for order #${order.number}`;
    // attempts goes up when the worker takes the job; wait until that attempt has failed and been unlocked.
    await waitFor('the first failed attempt of the receipt job', async () =>
      (
        await db.$queryRaw<
          { attempts: number; locked_at: Date | null }[]
        >`SELECT attempts, locked_at FROM graphile_worker._private_jobs WHERE payload::text LIKE ${`%${order.id}%`}`
      ).some((j) => j.attempts === 1 && !j.locked_at),
    );
    // graphile-worker schedules the retry ~e^1 s later; pull it forward instead of waiting.
    await db.$executeRaw`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE payload::text LIKE ${`%${order.id}%`}`;
    await waitFor('the receipt delivered', async () => dmPostsTo(s.customer.discordUserId, receipt).some((c) => c.status === 200));
    await waitForJobsDone();
    const posts = dmPostsTo(s.customer.discordUserId, receipt);
    expect(posts.map((c) => c.status)).toEqual([500, 500, 200]); // retried, delivered once
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).customerDmFailedAt).toBeNull();
  });
});

describe('refund.processor_failed', () => {
  it("tells the admin channel that the money was not returned, naming the order, amount, customer and the processor's answer", async () => {
    const s = await f.shop();
    const order = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, status: 'PARTIALLY_REFUNDED', paymentStatus: 'paid' });
    const alert = {
      tenantId: s.tenant.id,
      orderId: order.id,
      refundId: 'ref_test_1',
      amountCents: 1500,
      currency: 'USD',
      error: 'refund rejected: charge disputed',
      permanent: true,
    };
    await withTransaction(db, (tx) => h.t.services.bus.emit(tx, EVENTS.refundFailed, alert));
    const post = await h.fake.waitFor(
      (c) =>
        c.method === 'POST' && c.path === `/channels/${s.tenant.adminChannelId}/messages` && JSON.stringify(c.body).includes('ref_test_1'),
    );
    const text = JSON.stringify(post.body);
    expect(text).toContain(`Refund NOT returned: order #${order.number}`);
    expect(text).toContain('$15.00');
    expect(text).toContain(`<@${s.customer.discordUserId}>`);
    expect(text).toContain('refund rejected: charge disputed');
    expect(text).toContain('Return the money to the customer another way');
    expect((post.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [] });
  });

  it('still alerts when the order was deleted meanwhile', async () => {
    const s = await f.shop();
    const alert = {
      tenantId: s.tenant.id,
      orderId: 'ord_gone',
      refundId: 'ref_test_2',
      amountCents: 700,
      currency: 'USD',
      error: 'not reachable',
      permanent: false,
    };
    await withTransaction(db, (tx) => h.t.services.bus.emit(tx, EVENTS.refundFailed, alert));
    const post = await h.fake.waitFor(
      (c) =>
        c.method === 'POST' && c.path === `/channels/${s.tenant.adminChannelId}/messages` && JSON.stringify(c.body).includes('ref_test_2'),
    );
    expect(JSON.stringify(post.body)).toContain('order ord_gone (since deleted)');
    expect(JSON.stringify(post.body)).toContain('Every retry failed');
  });
});

describe('notifications run again after a crash', () => {
  it('a receipt job that runs twice (its worker died before marking it done) DMs once, and carries a nonce Discord de-duplicates on', async () => {
    const s = await f.shop();
    const order = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, status: 'PAID', paymentStatus: 'paid' });
    await emitPaid(s.tenant.id, order.id, order.payment.id);
    const receipt = `receipt for order #${order.number}`;
    await waitFor('the receipt delivered', async () => dmPostsTo(s.customer.discordUserId, receipt).some((c) => c.status === 200));
    // The first run records the delivery only after Discord answered; a run that ended had done so.
    await waitFor(
      'the first run to record the delivery',
      async () => (await db.notificationDelivery.count({ where: { key: `dm:order-paid:${order.id}` } })) === 1,
    );
    // The same job again, as the liveness sweeper would release it after its worker was killed.
    await emitPaid(s.tenant.id, order.id, order.payment.id);
    await waitFor(
      'no job about the order left in the queue',
      async () =>
        (
          await db.$queryRaw<
            { n: number }[]
          >`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE payload::text LIKE ${`%${order.id}%`}`
        )[0]?.n === 0,
    );
    // A job leaves the queue after its run has returned, so its Discord calls are recorded by now.
    const posts = dmPostsTo(s.customer.discordUserId, receipt);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body).toMatchObject({ enforce_nonce: true });
    expect(typeof (posts[0]!.body as { nonce?: unknown }).nonce).toBe('string');
    expect(await db.notificationDelivery.count({ where: { key: `dm:order-paid:${order.id}` } })).toBe(1);
  });
});
