// "Erase personal data" reaches the bot's direct messages to the customer (docs/decisions/erased-customer-dms.md):
// every DM the bot sends is recorded with the ids of Discord's answer, and the erasure (here through
// POST /api/customers/:id/erase, as the shop's integrations erase) schedules, in its own transaction, the edit of
// each one (PATCH /channels/{channel.id}/messages/{message.id}) to "<shop>: order #N: details removed at your
// request." Read back from the fake Discord API as a client reads a DM channel (GET /channels/{channel.id}/messages):
// no name, username, street or city; the same user's DMs from another shop untouched; a DM already gone (404, 10008)
// ends its job with no retry; a refused edit (50007) keeps its record for a later erasure; a 429 is waited out and the edit made; a second erasure edits nothing again; a failed
// record write sends no second DM; a DM composed before the erasure and answered after it is edited too.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { describeAction } from '../../src/modules/audit/audit-timeline.js';
import { EVENTS } from '../../src/modules/shared/events.js';
import { loggedIn } from '../admin/admin-helpers.js';
import { adminCtx } from '../helpers/actors.js';
import { testDatabaseUrl, testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { waitFor } from '../helpers/wait-for.js';
import { walkToReview } from './flows.js';
import { componentInteraction, customIdsOf, interact, member, messageOf, textOf, useHarness, type Base } from './harness.js';

const f = factories();
const db = testDb();
const h = useHarness({ worker: true });

const JANE = { name: 'janeroe', line1: '1 Elm St', line2: 'Apt 4', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' };
/** What the erased DMs must no longer hold: the recipient (her Discord username), street and city. */
const PERSONAL = ['janeroe', '1 Elm St', 'Apt 4', 'Springfield'];
const EDIT_TASK = `${EVENTS.directMessagePersonalDataErased}>discord-dm-edit`;

interface HeldMessage {
  id: string;
  channel_id: string;
  content?: string;
  embeds?: unknown[];
  components?: unknown[];
  edited_timestamp: string | null;
}

type Shop = Awaited<ReturnType<typeof shopWithKey>>;

async function shopWithKey() {
  const s = await f.shop();
  const { key } = await h.t.services.apiKeys.create(adminCtx(s.tenant.id), 'erasure test', 'READ_WRITE');
  const api = (method: 'post' | 'patch', path: string, body: object = {}) =>
    request(h.t.app)
      [method](`/api${path}`)
      .set({ authorization: `Bearer ${key}` })
      .send(body);
  return { ...s, api };
}

/** The DM channel Discord opened for `userId` (POST /users/@me/channels). */
function dmChannelOf(userId: string): string {
  const channel = h.fake
    .find('POST', /^\/channels\/\d+\/messages$/)
    .map((c) => c.path.split('/')[2]!)
    .find((id) => h.fake.dmRecipient(id) === userId);
  if (!channel) throw new Error(`no DM channel for ${userId}`);
  return channel;
}

/** The DM channel's messages as a Discord client reads them (Get Channel Messages). */
async function channelMessages(channelId: string): Promise<HeldMessage[]> {
  const res = await fetch(`${h.fake.apiBase}/v10/channels/${channelId}/messages?limit=100`, { headers: { authorization: 'Bot test' } });
  expect(res.status).toBe(200);
  return (await res.json()) as HeldMessage[];
}

const mentions = (m: HeldMessage, text: string) => JSON.stringify(m).includes(text);

/** The shop's lane rows of DM edits still to run (none once each ran and ended). */
const editsLeft = async (tenantId: string) =>
  (await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM lane_jobs WHERE "tenantId" = ${tenantId} AND task = ${EDIT_TASK}`)[0]!
    .n;

/**
 * An order placed by `as` in Discord (/order to Confirm & submit, address typed in the modal), its payment
 * confirmed and the parcel shipped through the REST API: three DMs (payment instructions, receipt with the
 * address, shipping notice with the address).
 */
async function orderPaidAndShipped(s: Shop, as: Base) {
  const { review } = await walkToReview(h, as, { productId: s.products[0]!.id, shippingTypeId: s.shippingType.id, openAddressForm: true });
  const submitted = await interact(h, componentInteraction(as, customIdsOf(review)[0]!, { message: messageOf(review) }));
  expect(textOf(submitted)).toContain('Order submitted');
  const order = await db.order.findFirstOrThrow({
    where: { tenantId: s.tenant.id, customer: { discordUserId: as.user.id } },
    orderBy: { number: 'desc' },
  });
  await s.api('post', `/orders/${order.id}/payment/confirm`).expect(200);
  await s.api('patch', `/orders/${order.id}`, { shippingStatus: 'SHIPPED', trackingNumber: '1Z999AA10123456784' }).expect(200);
  const dms = [`order #${order.number} received`, `receipt for order #${order.number}`, `order #${order.number} shipped`];
  await waitFor(`the DMs of order #${order.number}`, () =>
    dms.every((title) => h.fake.directMessages().some((m) => m.userId === as.user.id && JSON.stringify(m.body).includes(title))),
  );
  return order;
}

/** A shipped order of `customerId` (made by the factory) and its shipping DM, sent by the real order.shipped job. */
async function shippedWithDm(s: Shop, customer: { id: string; discordUserId: string }) {
  const order = await f.order({
    tenantId: s.tenant.id,
    customerId: customer.id,
    guildId: s.guild.id,
    status: 'SHIPPED',
    shippingStatus: 'SHIPPED',
    paidAt: new Date(),
    paymentStatus: 'paid',
    shippingAddress: JANE,
  });
  await s.api('patch', `/orders/${order.id}`, { trackingNumber: '1Z999AA10123456784' }).expect(200);
  const recorded = await waitFor(`the shipped DM of order #${order.number} recorded`, () =>
    db.sentDirectMessage.findFirst({ where: { orderId: order.id, kind: 'order-shipped' } }),
  );
  return {
    order,
    channelId: recorded.channelId,
    messageId: recorded.messageId,
    path: `/channels/${recorded.channelId}/messages/${recorded.messageId}`,
  };
}

const erase = (s: Shop, customerId: string) => s.api('post', `/customers/${customerId}/erase`).expect(200);

/**
 * Jane's shipped order with its shipping DM, and the shop correcting the tracking: the new shipping notice's job has
 * read the order (Jane's address) and its DM waits, held, on Discord's answer (`post.release()` lets it through).
 */
async function shippingNoticeHeld() {
  const s = await shopWithKey();
  const jane = await f.customer({ tenantId: s.tenant.id, username: 'janeroe', displayName: 'janeroe' });
  const earlier = await shippedWithDm(s, jane);
  const order = earlier.order;
  const post = h.fake.hold('POST', new RegExp(`^/channels/${earlier.channelId}/messages$`));
  await s.api('patch', `/orders/${order.id}`, { trackingNumber: '449044304137821', shippingCarrier: 'FEDEX' }).expect(200);
  const sent = await h.fake.waitFor(
    (c) =>
      c.method === 'POST' && c.path === `/channels/${earlier.channelId}/messages` && JSON.stringify(c.body).includes('449044304137821'),
  );
  expect(JSON.stringify(sent.body)).toContain('Springfield');
  return { s, jane, earlier, order, post, sent };
}

describe("erasing a customer edits the bot's DMs to them", () => {
  it("edits every DM of the customer's two orders to a placeholder, and leaves the same user's DMs from another shop alone", async () => {
    const a = await shopWithKey();
    const b = await shopWithKey();
    const jane = member({ username: 'janeroe' });
    const inA = { guildId: a.guild.id, user: jane };
    const first = await orderPaidAndShipped(a, inA);
    const second = await orderPaidAndShipped(a, inA);
    // The same Discord user orders from another shop too: one DM channel holds both shops' messages.
    const other = await orderPaidAndShipped(b, { guildId: b.guild.id, user: jane });
    // Every DM is in the channel (one answered just now may be recorded after the erasure: it is edited all the same).
    const channel = dmChannelOf(jane.id);
    const before = await waitFor('the nine DMs in the channel', async () => {
      const held = await channelMessages(channel);
      return held.length === 9 ? held : null;
    });
    const fromA = before.filter((m) => mentions(m, a.tenant.name));
    const fromB = before.filter((m) => mentions(m, b.tenant.name));
    expect(fromA).toHaveLength(6);
    expect(fromB).toHaveLength(3);
    // What is to erase: the receipts and shipping notices say where the parcel goes, and to whom.
    for (const personal of PERSONAL.filter((p) => p !== 'Apt 4')) {
      expect(fromA.filter((m) => mentions(m, personal)).length).toBeGreaterThanOrEqual(4);
    }

    const customer = await db.customer.findFirstOrThrow({ where: { tenantId: a.tenant.id, discordUserId: jane.id } });
    await erase(a, customer.id);

    const after = await waitFor('every DM from shop A edited', async () => {
      const now = await channelMessages(channel);
      return fromA.every((m) => now.find((n) => n.id === m.id)?.edited_timestamp) ? now : null;
    });
    for (const m of fromA) {
      const edited = after.find((n) => n.id === m.id)!;
      for (const personal of PERSONAL) expect(JSON.stringify(edited)).not.toContain(personal);
      expect(edited.embeds).toEqual([]);
      expect(edited.components).toEqual([]);
      const number = Number(/order #(\d+)/.exec(JSON.stringify(m))![1]);
      expect(edited.content).toBe(`${a.tenant.name}: order #${number}: details removed at your request.`);
    }
    expect(new Set(fromA.map((m) => after.find((n) => n.id === m.id)!.content))).toEqual(
      new Set([first, second].map((o) => `${a.tenant.name}: order #${o.number}: details removed at your request.`)),
    );
    // Shop B's messages to the same user: as they were, not even asked about.
    for (const m of fromB) {
      expect(after.find((n) => n.id === m.id)).toEqual(m);
      expect(h.fake.find('PATCH', new RegExp(`^/channels/${channel}/messages/${m.id}$`))).toHaveLength(0);
    }
    expect(fromB.some((m) => mentions(m, `order #${other.number} shipped`) && mentions(m, 'Springfield'))).toBe(true);
    await waitFor('the edits done', async () => (await editsLeft(a.tenant.id)) === 0);
    // Once edited, nothing is kept of shop A's DMs; shop B keeps its records.
    expect(await db.sentDirectMessage.count({ where: { tenantId: a.tenant.id } })).toBe(0);
    expect(await db.sentDirectMessage.count({ where: { tenantId: b.tenant.id } })).toBe(3);
  });

  it('a DM no longer in Discord (404, 10008) ends its job with no retry; the others are edited', async () => {
    const s = await shopWithKey();
    const jane = await f.customer({ tenantId: s.tenant.id, username: 'janeroe', displayName: 'janeroe' });
    const gone = await shippedWithDm(s, jane);
    const kept = await shippedWithDm(s, jane);
    // Discord lets no user delete the bot's DM; the message is gone all the same (deleted through the bot's own
    // Delete Message, or by Discord): here through that route.
    const res = await fetch(`${h.fake.apiBase}/v10${gone.path}`, { method: 'DELETE', headers: { authorization: 'Bot test' } });
    expect(res.status).toBe(204);

    await erase(s, jane.id);

    await waitFor('the edits done', async () => (await editsLeft(s.tenant.id)) === 0);
    const refused = h.fake.find('PATCH', new RegExp(`^${gone.path}$`));
    expect(refused.map((c) => c.status)).toEqual([404]);
    const edited = h.fake.message(kept.channelId, kept.messageId)!;
    expect(edited.content).toBe(`${s.tenant.name}: order #${kept.order.number}: details removed at your request.`);
    for (const personal of PERSONAL) expect(JSON.stringify(edited)).not.toContain(personal);
    expect(await db.sentDirectMessage.count({ where: { customerId: jane.id } })).toBe(0);
    const failed = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM lane_jobs WHERE "tenantId" = ${s.tenant.id}`;
    expect(failed[0]!.n).toBe(0);
  });

  it('a refused edit (403, 50007) ends its job with no retry and keeps the record, so a later erasure tries again', async () => {
    const s = await shopWithKey();
    const jane = await f.customer({ tenantId: s.tenant.id, username: 'janeroe', displayName: 'janeroe' });
    const dm = await shippedWithDm(s, jane);
    h.fake.fail({
      method: 'PATCH',
      path: new RegExp(`^${dm.path}$`),
      status: 403,
      body: { message: 'Cannot send messages to this user', code: 50007 },
    });

    await erase(s, jane.id);

    await waitFor('the refused edit answered', () => h.fake.find('PATCH', new RegExp(`^${dm.path}$`)).find((c) => c.status !== undefined));
    await waitFor('the edits done', async () => (await editsLeft(s.tenant.id)) === 0);
    expect(h.fake.find('PATCH', new RegExp(`^${dm.path}$`)).map((c) => c.status)).toEqual([403]);
    expect(await db.sentDirectMessage.count({ where: { customerId: jane.id } })).toBe(1);
    // The admin who erased her learns it on her page in the panel: her timeline says a DM was not edited.
    const server = h.t.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const owner = await f.adminUser({ tenantId: s.tenant.id });
      const admin = await loggedIn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, owner.email);
      const show = await admin.agent.get(`/admin/api/resources/Customer/records/${jane.id}/show`).set(admin.headers());
      const timeline = JSON.parse(show.body.record.params.auditTimelineJson) as { what: string; who: string }[];
      expect(timeline.filter((e) => e.what === describeAction('customer.dm_not_erased'))).toHaveLength(1);
      expect(describeAction('customer.dm_not_erased')).toMatch(/^Discord refused to edit a message the bot sent the customer/);
      const [entry] = await db.auditLog.findMany({ where: { tenantId: s.tenant.id, action: 'customer.dm_not_erased' } });
      expect(entry).toMatchObject({
        entityId: jane.id,
        actorType: 'SYSTEM',
        after: { orderNumber: dm.order.number, discordStatus: 403, discordCode: 50007 },
      });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }

    // Erased again (the customer allowed the bot again): the edit is made and the record forgotten.
    await erase(s, jane.id);
    await waitFor('the DM edited', () => h.fake.message(dm.channelId, dm.messageId)?.edited_timestamp);
    await waitFor('the record forgotten', async () => (await db.sentDirectMessage.count({ where: { customerId: jane.id } })) === 0);
    for (const personal of PERSONAL) expect(JSON.stringify(h.fake.message(dm.channelId, dm.messageId))).not.toContain(personal);
  });

  it('a rate limit (429 with retry_after) is waited out and the edit made; a second erasure edits nothing again', async () => {
    const s = await shopWithKey();
    const jane = await f.customer({ tenantId: s.tenant.id, username: 'janeroe', displayName: 'janeroe' });
    const dm = await shippedWithDm(s, jane);
    h.fake.fail({
      method: 'PATCH',
      path: new RegExp(`^${dm.path}$`),
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: 0.5, global: false },
      headers: { 'retry-after': '1', 'x-ratelimit-scope': 'user' },
    });

    await erase(s, jane.id);

    await waitFor('the DM edited', () => h.fake.message(dm.channelId, dm.messageId)?.edited_timestamp);
    expect(h.fake.find('PATCH', new RegExp(`^${dm.path}$`)).map((c) => c.status)).toEqual([429, 200]);
    await waitFor('the edits done', async () => (await editsLeft(s.tenant.id)) === 0);

    // Erased twice: nothing left to edit, nothing asked of Discord, the placeholder stays.
    const patches = h.fake.find('PATCH', /^\/channels\/\d+\/messages\/\d+$/).length;
    await erase(s, jane.id);
    expect(await editsLeft(s.tenant.id)).toBe(0);
    expect(h.fake.find('PATCH', /^\/channels\/\d+\/messages\/\d+$/)).toHaveLength(patches);
    expect(h.fake.message(dm.channelId, dm.messageId)!.content).toBe(
      `${s.tenant.name}: order #${dm.order.number}: details removed at your request.`,
    );
  });

  it('a record write that fails sends no second DM: the retried job is answered with the same message, and records it', async () => {
    const s = await shopWithKey();
    const jane = await f.customer({ tenantId: s.tenant.id, username: 'janeroe', displayName: 'janeroe' });
    // The first write of a DM's record fails (a sequence is not rolled back with the statement it fails).
    await db.$executeRawUnsafe(`CREATE SEQUENCE dm_record_writes`);
    await db.$executeRawUnsafe(`CREATE FUNCTION fail_first_dm_record() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF nextval('dm_record_writes') = 1 THEN RAISE EXCEPTION 'injected: the record write failed'; END IF; RETURN NEW; END $$`);
    await db.$executeRawUnsafe(
      `CREATE TRIGGER fail_first_dm_record BEFORE INSERT ON sent_direct_messages FOR EACH ROW EXECUTE FUNCTION fail_first_dm_record()`,
    );
    try {
      const dm = await shippedWithDm(s, jane);
      const posts = h.fake.find('POST', new RegExp(`^/channels/${dm.channelId}/messages$`));
      // Sent, its record refused, sent again with the same nonce: Discord answered with the message it holds.
      expect(posts.map((c) => [c.status, c.deduplicated ?? false])).toEqual([
        [200, false],
        [200, true],
      ]);
      const delivered = h.fake.directMessages().filter((m) => m.userId === jane.discordUserId);
      expect(delivered).toHaveLength(1);
      expect(h.fake.message(dm.channelId, dm.messageId)).toBeDefined();
    } finally {
      await db.$executeRawUnsafe(`DROP TRIGGER fail_first_dm_record ON sent_direct_messages`);
      await db.$executeRawUnsafe(`DROP FUNCTION fail_first_dm_record()`);
      await db.$executeRawUnsafe(`DROP SEQUENCE dm_record_writes`);
    }
  });

  // The review's case: the DM answered while the erasure's transaction is still open, after it listed the DMs. The
  // record's single statement read the customer (not erased yet) at its start, then waited for the erasure's lock on
  // the customer's row to insert its row: no edit from either side, and the shipping notice kept the address.
  it("a DM answered while the erasure's transaction is open (after its list of DMs) is edited too", async () => {
    const s = await shopWithKey();
    const jane = await f.customer({ tenantId: s.tenant.id, username: 'janeroe', displayName: 'janeroe' });
    const earlier = await shippedWithDm(s, jane);
    const post = h.fake.hold('POST', new RegExp(`^/channels/${earlier.channelId}/messages$`));
    await s.api('patch', `/orders/${earlier.order.id}`, { trackingNumber: '449044304137821', shippingCarrier: 'FEDEX' }).expect(200);
    const sent = await h.fake.waitFor(
      (c) =>
        c.method === 'POST' && c.path === `/channels/${earlier.channelId}/messages` && JSON.stringify(c.body).includes('449044304137821'),
    );
    expect(JSON.stringify(sent.body)).toContain('Springfield');

    // The erasure's last write (its audit row, after the DMs are listed) waits for a lock this test holds.
    const holder = new pg.Client({ connectionString: testDatabaseUrl() });
    await holder.connect();
    const LOCK = 707_001;
    await db.$executeRawUnsafe(`CREATE FUNCTION hold_customer_erased() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.action = 'customer.erased' THEN PERFORM pg_advisory_xact_lock_shared(${LOCK}); END IF; RETURN NEW; END $$`);
    await db.$executeRawUnsafe(
      `CREATE TRIGGER hold_customer_erased BEFORE INSERT ON audit_logs FOR EACH ROW EXECUTE FUNCTION hold_customer_erased()`,
    );
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [LOCK]);
      const lockWaits = async (kind: 'advisory' | 'row') =>
        (
          await holder.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
               AND (wait_event = 'advisory') = $1`,
            [kind === 'advisory'],
          )
        ).rows[0]!.n;
      // Sent now (supertest sends a request when it is awaited or then-ed).
      const erasing = erase(s, jane.id).then((res) => res);
      await waitFor('the erasure held before its audit row', async () => (await lockWaits('advisory')) === 1);
      post.release();
      await waitFor("the DM's record waiting for the erasure", async () => (await lockWaits('row')) >= 1);
      await holder.query('SELECT pg_advisory_unlock($1)', [LOCK]);
      await erasing;
    } finally {
      await holder.end();
      await db.$executeRawUnsafe(`DROP TRIGGER hold_customer_erased ON audit_logs`);
      await db.$executeRawUnsafe(`DROP FUNCTION hold_customer_erased()`);
    }

    await waitFor('the DM answered', () => sent.status);
    // Both DMs in the channel, as Jane's client reads it, edited: the earlier one and the one answered meanwhile.
    const channel = await waitFor('both DMs edited', async () => {
      const messages = await channelMessages(earlier.channelId);
      return messages.length === 2 && messages.every((m) => m.edited_timestamp) ? messages : null;
    });
    await waitFor(
      'the edits done',
      async () => (await editsLeft(s.tenant.id)) === 0 && (await db.sentDirectMessage.count({ where: { customerId: jane.id } })) === 0,
    );
    for (const edited of channel) {
      expect(edited.content).toBe(`${s.tenant.name}: order #${earlier.order.number}: details removed at your request.`);
      for (const personal of PERSONAL) expect(JSON.stringify(edited)).not.toContain(personal);
    }
  });

  it('a DM composed before the erasure and answered after it: its record schedules the edit, so it is erased too', async () => {
    const { s, jane, earlier, order, post, sent } = await shippingNoticeHeld();

    await erase(s, jane.id);
    post.release();

    const recorded = await waitFor('the delivered DM answered', () => (sent.status ? sent : null));
    expect(recorded.status).toBe(200);
    await waitFor(
      'the edits done',
      async () => (await editsLeft(s.tenant.id)) === 0 && (await db.sentDirectMessage.count({ where: { customerId: jane.id } })) === 0,
    );
    const patched = h.fake.find('PATCH', new RegExp(`^/channels/${earlier.channelId}/messages/\\d+$`)).filter((c) => c.status === 200);
    expect(patched).toHaveLength(2);
    for (const c of patched) {
      const messageId = c.path.split('/')[4]!;
      const edited = h.fake.message(earlier.channelId, messageId)!;
      expect(edited.content).toBe(`${s.tenant.name}: order #${order.number}: details removed at your request.`);
      for (const personal of PERSONAL) expect(JSON.stringify(edited)).not.toContain(personal);
    }
  });
  it('a DM composed before the erasure and refused after it (DMs closed) keeps no copy of it as a missed notice', async () => {
    const { s, jane, order, post } = await shippingNoticeHeld();
    await erase(s, jane.id);
    // Her DMs closed meanwhile: Discord refuses the held message (403, 50007).
    h.fake.closeDms(jane.discordUserId);
    post.release();

    await waitFor('the refusal recorded on the order', async () =>
      (await db.order.findUniqueOrThrow({ where: { id: order.id } })).customerDmFailedAt ? true : null,
    );
    expect(await db.missedNotice.count({ where: { customerId: jane.id } })).toBe(0);
  });
});
