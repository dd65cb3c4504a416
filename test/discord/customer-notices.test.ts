// Customers hear what happens to their order, through the surfaces an admin uses (REST, the panel's API)
// and observed as DMs in the fake Discord API: shipped (tracking number and the carrier's tracking link),
// delivered, cancelled (by whom and why), items changed; each once even when its job runs twice. When the
// customer's DMs are closed (50007), or Discord refuses the DM otherwise (10013...), the order shows it and why
// (panel, REST) and their next interaction with the bot shows the missed message, once. A second "Send invoice
// link" is a second DM. The customer's DM channel is opened once and remembered (opened again when Discord no longer
// knows it).
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { adminCtx } from '../helpers/actors.js';
import { loadedRow, loggedIn, type AdminAgent } from '../admin/admin-helpers.js';
import { commandInteraction, componentInteraction, interact, member, startHarness, textOf, type Harness } from './harness.js';
import { EVENTS } from '../../src/modules/shared/events.js';
import { withTransaction } from '../../src/platform/db/prisma.js';
import type { Clock } from '../../src/platform/clock.js';
import { DIGITAL_EVENTS } from '../../src/modules/entitlements/digital-goods.js';
import { ACCESS_EVENTS } from '../../src/modules/entitlements/timed-access.js';
import { waitFor } from '../helpers/wait-for.js';

let h: Harness;
let server: Server;
let baseUrl: string;
const f = factories();
const db = testDb();
/** The app's clock: real time unless a test freezes it. */
let frozen: Date | null = null;
const clock: Clock = { now: () => frozen ?? new Date() };

beforeAll(async () => {
  h = await startHarness({ worker: true, clock, env: { PUBLIC_BASE_URL: 'http://shop.test' } });
  server = await new Promise<Server>((resolve) => {
    const s = h.t.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await h.stop();
});

async function shop() {
  const s = await f.shop();
  const { key } = await h.t.services.apiKeys.create(adminCtx(s.tenant.id), 'test key', 'READ_WRITE');
  const api = {
    get: (path: string) =>
      request(h.t.app)
        .get(`/api${path}`)
        .set({ authorization: `Bearer ${key}` }),
    patch: (path: string, body: unknown) =>
      request(h.t.app)
        .patch(`/api${path}`)
        .set({ authorization: `Bearer ${key}` })
        .send(body as object),
    post: (path: string, body: unknown) =>
      request(h.t.app)
        .post(`/api${path}`)
        .set({ authorization: `Bearer ${key}` })
        .send(body as object),
  };
  return { ...s, api };
}

async function paidOrder(s: Awaited<ReturnType<typeof shop>>) {
  return f.order({
    tenantId: s.tenant.id,
    customerId: s.customer.id,
    guildId: s.guild.id,
    status: 'PAID',
    paymentStatus: 'paid',
    paidAt: new Date(),
  });
}

/** Delivered DMs to one user whose JSON contains `text`. */
function dmsTo(userId: string, text: string) {
  return h.fake.directMessages().filter((m) => m.userId === userId && JSON.stringify(m.body).includes(text));
}

/** No job about this order is left in the queue (every notice ran to its end). */
async function queueDrained(orderId: string) {
  await waitFor(
    'no job about the order left in the queue',
    async () =>
      (
        await db.$queryRaw<
          { n: number }[]
        >`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE payload::text LIKE ${`%${orderId}%`}`
      )[0]?.n === 0,
  );
}

interface DmBody {
  embeds?: { title?: string; description?: string; fields?: { name: string; value: string }[] }[];
  components?: { components: { url?: string; label?: string }[] }[];
}

describe('shipped and delivered', () => {
  it("DMs the tracking number with the carrier's link, a changed tracking again, delivery once; each once when its job runs twice", async () => {
    const s = await shop();
    const order = await paidOrder(s);
    const user = s.customer.discordUserId;

    // UPS number: the carrier is known from its format.
    const shipped = await s.api.patch(`/orders/${order.id}`, { shippingStatus: 'SHIPPED', trackingNumber: '1Z999AA10123456784' });
    expect(shipped.status).toBe(200);
    expect(shipped.body).toMatchObject({
      status: 'SHIPPED',
      trackingUrl: 'https://www.ups.com/track?loc=en_US&tracknum=1Z999AA10123456784',
    });
    const first = await waitFor('the shipped DM', () => dmsTo(user, `order #${order.number} shipped`)[0]);
    const body = first.body as DmBody;
    expect(JSON.stringify(body.embeds)).toContain('1Z999AA10123456784');
    expect(JSON.stringify(body.embeds)).toContain('(UPS)');
    expect(body.components?.[0]?.components[0]).toMatchObject({
      label: 'Track package',
      url: 'https://www.ups.com/track?loc=en_US&tracknum=1Z999AA10123456784',
    });

    // The shop corrects the tracking (FedEx, named): a second shipping DM with FedEx's link.
    await s.api.patch(`/orders/${order.id}`, { trackingNumber: '449044304137821', shippingCarrier: 'FEDEX' }).expect(200);
    await waitFor('the DM with the FedEx tracking link', () => dmsTo(user, 'fedextrack/?trknbr=449044304137821')[0]);

    // Saving the same values again is no change: no DM.
    await s.api
      .patch(`/orders/${order.id}`, { trackingNumber: '449044304137821', shippingCarrier: 'FEDEX', shippingStatus: 'SHIPPED' })
      .expect(200);
    await s.api.patch(`/orders/${order.id}`, { shippingStatus: 'DELIVERED' }).expect(200);
    await waitFor('the delivered DM', () => dmsTo(user, `order #${order.number} delivered`)[0]);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('COMPLETE');
    await queueDrained(order.id);

    // Every job again, as if each had run twice (its worker died before marking it done).
    const ctx = { tenantId: s.tenant.id };
    await withTransaction(db, async (tx) => {
      await h.t.services.bus.emit(tx, EVENTS.orderShipped, {
        ...ctx,
        orderId: order.id,
        trackingNumber: '1Z999AA10123456784',
        carrier: null,
      });
      await h.t.services.bus.emit(tx, EVENTS.orderShipped, {
        ...ctx,
        orderId: order.id,
        trackingNumber: '449044304137821',
        carrier: 'FEDEX',
      });
      await h.t.services.bus.emit(tx, EVENTS.orderDelivered, { ...ctx, orderId: order.id });
    });
    await queueDrained(order.id);
    expect(dmsTo(user, `order #${order.number} shipped`)).toHaveLength(2);
    expect(dmsTo(user, 'fedextrack')).toHaveLength(1);
    expect(dmsTo(user, `order #${order.number} delivered`)).toHaveLength(1);
  });

  it('lists what is shipped: units refunded before shipping are not in the parcel', async () => {
    const s = await shop();
    const mug = await f.product({ tenantId: s.tenant.id, name: 'Mug' });
    const cap = await f.product({ tenantId: s.tenant.id, name: 'Cap' });
    const order = await f.order({
      tenantId: s.tenant.id,
      customerId: s.customer.id,
      guildId: s.guild.id,
      status: 'PAID',
      paymentStatus: 'paid',
      paidAt: new Date(),
      amountReceivedCents: 5_000,
      totalCents: 5_000,
      lines: [
        { productId: mug.id, name: 'Mug', quantity: 3, unitPriceCents: 1_000 },
        { productId: cap.id, name: 'Cap', quantity: 1, unitPriceCents: 2_000 },
      ],
    });
    // Two of the three mugs and the cap are refunded (out of stock, say); one mug is shipped.
    await s.api
      .post(`/orders/${order.id}/refunds`, {
        items: [
          { productId: mug.id, quantity: 2 },
          { productId: cap.id, quantity: 1 },
        ],
        reason: 'Out of stock',
      })
      .expect(201);
    await s.api.patch(`/orders/${order.id}`, { shippingStatus: 'SHIPPED', trackingNumber: '123456789012' }).expect(200);
    const dm = await waitFor('the shipped DM', () => dmsTo(s.customer.discordUserId, `order #${order.number} shipped`)[0]);
    const fields = (dm.body as DmBody).embeds![0]!.fields!.map((x) => x.value).join('\n');
    expect(fields).toContain('• 1 × Mug @ $10.00 = $10.00');
    expect(fields).not.toContain('3 × Mug');
    expect(fields).not.toContain('Cap');
  });

  it("without a known carrier says to use the carrier's site, with no link", async () => {
    const s = await shop();
    const order = await paidOrder(s);
    await s.api.patch(`/orders/${order.id}`, { shippingStatus: 'SHIPPED', trackingNumber: '123456789012' }).expect(200);
    const dm = await waitFor('the shipped DM', () => dmsTo(s.customer.discordUserId, `order #${order.number} shipped`)[0]);
    expect(JSON.stringify(dm.body)).toContain('123456789012');
    expect(JSON.stringify(dm.body)).toContain("carrier's website");
    expect((dm.body as DmBody).components ?? []).toEqual([]);
  });

  it('refuses an unknown carrier with 400', async () => {
    const s = await shop();
    const order = await paidOrder(s);
    const res = await s.api.patch(`/orders/${order.id}`, { shippingCarrier: 'PIGEON' });
    expect(res.status).toBe(400);
  });
});

describe("the customer's DM channel", () => {
  /** Create DM calls for this user (POST /users/@me/channels). */
  const opens = (userId: string) =>
    h.fake.find('POST', /^\/users\/@me\/channels$/).filter((c) => (c.body as { recipient_id?: string }).recipient_id === userId);
  const dmChannelOf = (userId: string) =>
    h.fake
      .find('POST', /^\/channels\/\d+\/messages$/)
      .map((c) => c.path.split('/')[2]!)
      .find((id) => h.fake.dmRecipient(id) === userId)!;

  it("is opened once for a customer's notices (Discord keeps one per user), and again once when Discord no longer knows it (10003)", async () => {
    const s = await shop();
    const order = await paidOrder(s);
    const user = s.customer.discordUserId;
    await s.api.patch(`/orders/${order.id}`, { shippingStatus: 'SHIPPED', trackingNumber: '123456789012' }).expect(200);
    await waitFor('the shipped DM', () => dmsTo(user, `order #${order.number} shipped`)[0]);
    await s.api.patch(`/orders/${order.id}`, { shippingStatus: 'DELIVERED' }).expect(200);
    await waitFor('the delivered DM', () => dmsTo(user, 'delivered')[0]);
    expect(opens(user)).toHaveLength(1);

    // The channel is gone on Discord's side: the message is refused as Discord refuses it, the channel is
    // opened afresh and the notice still arrives, once.
    const channel = dmChannelOf(user);
    h.fake.fail({
      method: 'POST',
      path: new RegExp(`^/channels/${channel}/messages$`),
      status: 404,
      body: { message: 'Unknown Channel', code: 10003 },
    });
    const other = await paidOrder(s);
    await s.api.patch(`/orders/${other.id}`, { shippingStatus: 'SHIPPED', trackingNumber: '123456789013' }).expect(200);
    await waitFor('the shipped DM of the second order', () => dmsTo(user, `order #${other.number} shipped`)[0]);
    await queueDrained(other.id);
    expect(dmsTo(user, `order #${other.number} shipped`)).toHaveLength(1);
    expect(opens(user)).toHaveLength(2);
    expect(h.fake.find('POST', new RegExp(`^/channels/${channel}/messages$`)).filter((c) => c.status === 404)).toHaveLength(1);
  });
});

describe('cancelled and changed', () => {
  it('a cancellation says who cancelled and why', async () => {
    const s = await shop();
    const order = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, guildId: s.guild.id });
    await s.api.post(`/orders/${order.id}/payment/reject`, { reason: 'Nothing arrived on Venmo' }).expect(200);
    const dm = await waitFor('the cancelled DM', () => dmsTo(s.customer.discordUserId, `order #${order.number} cancelled`)[0]);
    const fields = (dm.body as DmBody).embeds![0]!.fields!;
    expect(fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Cancelled by', value: 'the shop (payment not confirmed)' }),
        expect.objectContaining({ name: 'Reason', value: 'Nothing arrived on Venmo' }),
      ]),
    );
    // And how to order again, as the invoice page of a cancelled order says.
    expect((dm.body as DmBody).embeds![0]!.description).toMatch(/\n\nRun `\/order` whenever you want to order again\.$/);
  });

  it('a customer who cancels their own order is told so plainly, with no "Cancelled by: you"', async () => {
    const s = await shop();
    const order = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, guildId: s.guild.id });
    const customer = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
    await interact(h, componentInteraction(customer, `orders:cancel-confirm:${order.id}:0`));
    const dm = await waitFor('the cancelled DM', () => dmsTo(s.customer.discordUserId, `order #${order.number} cancelled`)[0]);
    const embed = (dm.body as DmBody).embeds![0]!;
    expect(embed.description).toMatch(/^You cancelled this order\.\n\n/);
    expect(embed.description).not.toMatch(/because/);
    expect((embed.fields ?? []).map((x) => x.name)).not.toContain('Cancelled by');
  });

  it('an admin editing the items (panel) DMs the new lines and total, once per edit', async () => {
    const s = await shop();
    const [p1, p2] = s.products;
    const order = await f.order({
      tenantId: s.tenant.id,
      customerId: s.customer.id,
      guildId: s.guild.id,
      lines: [{ productId: p1!.id, name: p1!.name, quantity: 1, unitPriceCents: 2500 }],
    });
    const adminUser = await f.adminUser({ tenantId: s.tenant.id });
    const a: AdminAgent = await loggedIn(baseUrl, adminUser.email);
    const edit = async (lines: unknown) =>
      a.agent
        .post(`/admin/api/resources/Order/records/${order.id}/edit`)
        .set(a.headers())
        .field('shownValuesJson', (await loadedRow(a, 'Order', order.id)).shownValuesJson)
        .field('lineItems', JSON.stringify(lines));
    expect((await edit([{ productId: p1!.id, quantity: 2 }])).body.notice).toMatchObject({ type: 'success' });
    const dm = await waitFor('the items-changed DM', () => dmsTo(s.customer.discordUserId, `order #${order.number} was changed`)[0]);
    expect(JSON.stringify(dm.body)).toContain('The total is now **$50.00** (it was $25.00)');
    expect(JSON.stringify(dm.body)).toContain('Please pay **$50.00**');
    // A second edit is a second notice; the same edit's job again is not.
    expect(
      (
        await edit([
          { productId: p1!.id, quantity: 2 },
          { productId: p2!.id, quantity: 1 },
        ])
      ).body.notice,
    ).toMatchObject({ type: 'success' });
    await waitFor('the second items-changed DM ($55.00)', () => dmsTo(s.customer.discordUserId, 'The total is now **$55.00**')[0]);
    await queueDrained(order.id);
    const entry = await db.auditLog.findFirstOrThrow({
      where: { entityId: order.id, action: 'order.items_changed' },
      orderBy: { createdAt: 'asc' },
    });
    await withTransaction(db, (tx) =>
      h.t.services.bus.emit(tx, EVENTS.orderItemsChanged, {
        tenantId: s.tenant.id,
        orderId: order.id,
        changeId: entry.id,
        totalBeforeCents: 2500,
        totalAfterCents: 5000,
      }),
    );
    await queueDrained(order.id);
    expect(dmsTo(s.customer.discordUserId, `order #${order.number} was changed`)).toHaveLength(2);
  });
});

describe('DMs closed (50007)', () => {
  it("shows on the REST order and the panel's order page, and the customer's next interaction shows the missed message once", async () => {
    const s = await shop();
    const order = await paidOrder(s);
    h.fake.fail({
      method: 'POST',
      path: /^\/channels\/\d+\/messages$/,
      status: 403,
      body: { message: 'Cannot send messages to this user', code: 50007 },
      times: 1,
    });
    await s.api.patch(`/orders/${order.id}`, { shippingStatus: 'SHIPPED', trackingNumber: 'RR123456785GB' }).expect(200);
    const rest = await waitFor('an undelivered notice on the order', async () => {
      const res = await s.api.get(`/orders/${order.id}`).expect(200);
      return res.body.customerNotices.undelivered.length ? res.body : undefined;
    });
    expect(rest.customerNotices.dmFailedAt).toEqual(expect.any(String));
    expect(rest.customerNotices.undelivered).toEqual([
      expect.objectContaining({
        kind: 'order-shipped',
        shownInDiscordAt: null,
        why: 'their DMs are closed',
        discordRefusal: { status: 403, code: 50007 },
      }),
    ]);
    expect(dmsTo(s.customer.discordUserId, 'shipped')).toHaveLength(0);

    // The panel's order page says the customer was not reached, and with what.
    const adminUser = await f.adminUser({ tenantId: s.tenant.id });
    const a = await loggedIn(baseUrl, adminUser.email);
    const show = await a.agent.get(`/admin/api/resources/Order/records/${order.id}/show`).set(a.headers());
    const detail = JSON.parse(show.body.record.params.detailJson);
    expect(detail.customerNotReached.notices).toEqual([
      expect.objectContaining({ what: 'Shipping notice', shownInDiscordAtShown: null, why: 'their DMs are closed' }),
    ]);

    // The customer's next interaction: /orders (ephemeral) carries the missed shipping message in front.
    const buyer = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId, username: s.customer.username ?? 'buyer' }) };
    const next = await interact(h, commandInteraction(buyer, 'orders'));
    expect(next.data.flags).toBe(64);
    expect(next.data.embeds![0]!.title).toBe('A message we could not send you');
    expect(next.data.embeds![0]!.description).toContain(`order #${order.number} shipped`);
    expect(next.data.embeds![0]!.description).toContain('RR123456785GB');
    expect(next.data.embeds![0]!.description).toContain('https://www.royalmail.com/track-your-item#/tracking-results/RR123456785GB');
    expect(next.data.embeds![0]!.footer?.text).toContain('Your DMs from this server are closed');
    expect(textOf(next)).toContain(`#${order.number}`); // the /orders answer itself is still there
    // Once: the interaction after that is the plain answer.
    const after = await interact(h, commandInteraction(buyer, 'orders'));
    expect(textOf(after)).not.toContain('could not send you');
    const shownRest = (await s.api.get(`/orders/${order.id}`).expect(200)).body;
    expect(shownRest.customerNotices.undelivered[0].shownInDiscordAt).toEqual(expect.any(String));
  });

  it('while DMs are known closed, each missed notice is kept once even when its job runs twice', async () => {
    const s = await shop();
    await db.customer.update({ where: { id: s.customer.id }, data: { dmClosedAt: new Date() } });
    const order = await paidOrder(s);
    const payload = { tenantId: s.tenant.id, orderId: order.id };
    await withTransaction(db, (tx) => h.t.services.bus.emit(tx, EVENTS.orderDelivered, payload));
    await queueDrained(order.id);
    await withTransaction(db, (tx) => h.t.services.bus.emit(tx, EVENTS.orderDelivered, payload));
    await queueDrained(order.id);
    expect(await db.missedNotice.count({ where: { orderId: order.id } })).toBe(1);
    expect(dmsTo(s.customer.discordUserId, '')).toHaveLength(0);
  });
  // Skipping a DM because their DMs were closed a while ago is not Discord saying so again: the mark keeps its time, so
  // the next DM after the backoff is tried. (It was set to now on every skip: a customer who got a DM at least once a
  // backoff was never tried again, however long ago they opened their DMs.)
  it('a DM skipped while DMs are known closed leaves the time they were found closed as it was', async () => {
    const s = await shop();
    const closedAt = new Date(Date.now() - 23 * 3600_000);
    await db.customer.update({ where: { id: s.customer.id }, data: { dmClosedAt: closedAt } });
    const order = await paidOrder(s);
    await withTransaction(db, (tx) => h.t.services.bus.emit(tx, EVENTS.orderDelivered, { tenantId: s.tenant.id, orderId: order.id }));
    await queueDrained(order.id);
    expect(await db.missedNotice.count({ where: { orderId: order.id } })).toBe(1);
    expect(dmsTo(s.customer.discordUserId, '')).toHaveLength(0);
    expect((await db.customer.findUniqueOrThrow({ where: { id: s.customer.id } })).dmClosedAt).toEqual(closedAt);
  });
});

describe('a DM Discord refuses for another reason (10013 Unknown User)', () => {
  it("shows on the REST order with Discord's code, and the customer's next interaction shows it without saying their DMs are closed", async () => {
    const s = await shop();
    const order = await paidOrder(s);
    h.fake.refuseDms(s.customer.discordUserId, 404, { message: 'Unknown User', code: 10013 }, { atOpen: true });
    await s.api.patch(`/orders/${order.id}`, { shippingStatus: 'SHIPPED', trackingNumber: 'RR123456785GB' }).expect(200);
    const rest = await waitFor('an undelivered notice on the order', async () => {
      const res = await s.api.get(`/orders/${order.id}`).expect(200);
      return res.body.customerNotices.undelivered.length ? res.body : undefined;
    });
    h.fake.acceptDms(s.customer.discordUserId);
    expect(rest.customerNotices.dmFailedAt).toEqual(expect.any(String));
    expect(rest.customerNotices.undelivered).toEqual([
      expect.objectContaining({
        kind: 'order-shipped',
        why: 'Discord refused it (404, code 10013 Unknown User: their Discord account may be deleted)',
        discordRefusal: { status: 404, code: 10013 },
      }),
    ]);
    // The panel's order page says which: not "DMs closed".
    const adminUser = await f.adminUser({ tenantId: s.tenant.id });
    const a = await loggedIn(baseUrl, adminUser.email);
    const show = await a.agent.get(`/admin/api/resources/Order/records/${order.id}/show`).set(a.headers());
    expect(JSON.parse(show.body.record.params.detailJson).customerNotReached.notices).toEqual([
      expect.objectContaining({
        what: 'Shipping notice',
        why: 'Discord refused it (404, code 10013 Unknown User: their Discord account may be deleted)',
      }),
    ]);

    const buyer = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId, username: s.customer.username ?? 'buyer' }) };
    const next = await interact(h, commandInteraction(buyer, 'orders'));
    expect(next.data.embeds![0]!.title).toBe('A message we could not send you');
    expect(next.data.embeds![0]!.description).toContain('RR123456785GB');
    expect(next.data.embeds![0]!.footer?.text).toBe('Discord did not deliver these to you as direct messages.');
  });
});

describe('DMs closed (50007): digital goods and timed access', () => {
  /** The customer's next /orders (ephemeral): its missed-notice embed, and the reply after it (which has none). */
  async function nextReplies(s: Awaited<ReturnType<typeof shop>>) {
    const buyer = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId, username: s.customer.username ?? 'buyer' }) };
    const next = await interact(h, commandInteraction(buyer, 'orders'));
    const after = await interact(h, commandInteraction(buyer, 'orders'));
    return { notice: next.data.embeds![0]!, next, after };
  }

  it('a paid key order: the receipt is kept as a missed notice and the next reply shows the key itself, once', async () => {
    const s = await shop();
    const product = await f.product({ tenantId: s.tenant.id, name: 'Game key', trackStock: true, stock: 0 });
    await h.t.services.digitalGoods.uploadKeys(adminCtx(s.tenant.id), product.id, 'KEY-CLOSED-0001');
    const order = await f.order({
      tenantId: s.tenant.id,
      customerId: s.customer.id,
      guildId: s.guild.id,
      lines: [{ productId: product.id, name: 'Game key', quantity: 1, unitPriceCents: 1000 }],
    });
    h.fake.closeDms(s.customer.discordUserId);
    await s.api.post(`/orders/${order.id}/payment/confirm`, {}).expect(200);
    const row = await waitFor('the missed order-paid notice', () =>
      db.missedNotice.findFirst({ where: { orderId: order.id, kind: 'order-paid' } }),
    );
    expect(JSON.stringify(row.message)).toContain('KEY-CLOSED-0001');
    expect(dmsTo(s.customer.discordUserId, 'KEY-CLOSED-0001')).toHaveLength(0);

    const { notice, next, after } = await nextReplies(s);
    expect(notice.title).toBe('A message we could not send you');
    expect(notice.description).toContain(`receipt for order #${order.number}`);
    expect(notice.description).toContain('KEY-CLOSED-0001');
    expect(textOf(next)).toContain(`#${order.number}`);
    expect(textOf(after)).not.toContain('KEY-CLOSED-0001');
  });

  it('the digital-delivery DM (jobs queued before receipts carried keys) is kept as a missed notice with the key, shown once', async () => {
    const s = await shop();
    const product = await f.product({ tenantId: s.tenant.id, name: 'Game key', trackStock: true, stock: 0 });
    await h.t.services.digitalGoods.uploadKeys(adminCtx(s.tenant.id), product.id, 'KEY-LEGACY-0001');
    const order = await f.order({
      tenantId: s.tenant.id,
      customerId: s.customer.id,
      guildId: s.guild.id,
      lines: [{ productId: product.id, name: 'Game key', quantity: 1, unitPriceCents: 1000 }],
    });
    await h.t.services.payments.confirm(adminCtx(s.tenant.id), { orderId: order.id });
    await waitFor('the receipt DM', () => dmsTo(s.customer.discordUserId, `receipt for order #${order.number}`)[0]);
    await queueDrained(order.id);
    h.fake.closeDms(s.customer.discordUserId);
    await withTransaction(db, (tx) => h.t.services.bus.emit(tx, DIGITAL_EVENTS.delivered, { tenantId: s.tenant.id, orderId: order.id }));
    const row = await waitFor('the missed digital-delivery notice', () =>
      db.missedNotice.findFirst({ where: { orderId: order.id, kind: 'digital-delivery' } }),
    );
    expect(JSON.stringify(row.message)).toContain('KEY-LEGACY-0001');
    expect(JSON.stringify(row.message)).toContain(`Your digital items for order #${order.number}`);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).customerDmFailedAt).not.toBeNull();

    const { notice, after } = await nextReplies(s);
    expect(notice.description).toContain(`Your digital items for order #${order.number}`);
    expect(notice.description).toContain('KEY-LEGACY-0001');
    expect(textOf(after)).not.toContain('KEY-LEGACY-0001');
  });

  it('the timed-access "ends soon" and "ended" DMs are kept as missed notices and shown once', async () => {
    const s = await shop();
    const order = await paidOrder(s);
    const productId = s.products[0]!.id;
    h.fake.closeDms(s.customer.discordUserId);
    const notice = {
      tenantId: s.tenant.id,
      orderId: order.id,
      productId,
      customerId: s.customer.id,
      discordUserId: s.customer.discordUserId,
      productName: 'VIP pass',
      endsAt: '2026-12-24T12:00:00.000Z',
    };
    await withTransaction(db, (tx) => h.t.services.bus.emit(tx, ACCESS_EVENTS.ending, notice));
    const ending = await waitFor('the missed access-ending notice', () =>
      db.missedNotice.findFirst({ where: { orderId: order.id, kind: 'access-ending' } }),
    );
    expect(JSON.stringify(ending.message)).toContain('Your access to VIP pass ends soon');
    // The same job again (its worker died after the DM) keeps no second notice.
    await queueDrained(order.id);
    await withTransaction(db, (tx) => h.t.services.bus.emit(tx, ACCESS_EVENTS.ending, notice));
    await withTransaction(db, (tx) => h.t.services.bus.emit(tx, ACCESS_EVENTS.ended, notice));
    const ended = await waitFor('the missed access-ended notice', () =>
      db.missedNotice.findFirst({ where: { orderId: order.id, kind: 'access-ended' } }),
    );
    expect(JSON.stringify(ended.message)).toContain('Your access to VIP pass has ended');
    await queueDrained(order.id);
    expect(await db.missedNotice.count({ where: { orderId: order.id } })).toBe(2);
    const rest = (await s.api.get(`/orders/${order.id}`).expect(200)).body;
    expect(rest.customerNotices.undelivered.map((n: { kind: string }) => n.kind).sort()).toEqual(['access-ended', 'access-ending']);

    const { notice: shown, after } = await nextReplies(s);
    expect(shown.title).toBe('Messages we could not send you');
    expect(shown.description).toContain('Your access to VIP pass ends soon');
    expect(shown.description).toContain('Your access to VIP pass has ended');
    expect(textOf(after)).not.toContain('VIP pass');
  });
});

describe('invoice link by DM', () => {
  it('a second "Send invoice link" is a second DM, even when it signs the same link', async () => {
    const s = await shop();
    const order = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, guildId: s.guild.id, paymentMethod: 'PAYPAL' });
    const adminUser = await f.adminUser({ tenantId: s.tenant.id });
    const a = await loggedIn(baseUrl, adminUser.email);
    // The same instant twice: both sends sign the very same URL.
    frozen = new Date();
    try {
      for (let i = 0; i < 2; i++) {
        const sent = await a.agent.get(`/admin/api/resources/Order/records/${order.id}/sendInvoiceLink`).set(a.headers());
        expect(sent.body.notice).toMatchObject({ type: 'success' });
      }
    } finally {
      frozen = null;
    }
    await waitFor('two pay reminders', () => dmsTo(s.customer.discordUserId, `pay for order #${order.number}`).length === 2);
    await queueDrained(order.id);
    expect(dmsTo(s.customer.discordUserId, `pay for order #${order.number}`)).toHaveLength(2);
  });

  it('for a part-paid order the DM asks for what is still owed, not the total', async () => {
    const s = await shop();
    const order = await f.order({
      tenantId: s.tenant.id,
      customerId: s.customer.id,
      guildId: s.guild.id,
      paymentMethod: 'PAYPAL',
      totalCents: 6400,
      lines: [{ productId: (await f.product({ tenantId: s.tenant.id })).id, quantity: 1, unitPriceCents: 6400 }],
    });
    await h.t.services.payments.recordReceipt(adminCtx(s.tenant.id), { orderId: order.id }, { amountCents: 2000, note: 'venmo' });
    const adminUser = await f.adminUser({ tenantId: s.tenant.id });
    const a = await loggedIn(baseUrl, adminUser.email);
    const sent = await a.agent.get(`/admin/api/resources/Order/records/${order.id}/sendInvoiceLink`).set(a.headers());
    expect(sent.body.notice).toMatchObject({ type: 'success' });
    await waitFor('the invoice link DM', () => dmsTo(s.customer.discordUserId, `pay for order #${order.number}`).length === 1);
    const [dm] = dmsTo(s.customer.discordUserId, `pay for order #${order.number}`);
    const description = (dm!.body as { embeds: { description: string }[] }).embeds[0]!.description;
    expect(description).toContain('**$44.00**');
    expect(description).toContain('$20.00 already received');
    expect(description).not.toContain('$64.00)');
    await queueDrained(order.id);
  });
});
