// "Erase personal data" reaches the bot's order messages in the shop's admin channel: the erasure (here through
// POST /api/customers/:id/erase) schedules, in its own transaction, the edit of each of the customer's posted
// order messages to the erased order, in the shop's admin-channel lane. Read back from the fake Discord API's
// stored messages (their latest content after PATCH /channels/{channel.id}/messages/{message.id}): no name,
// street or city; another customer's message untouched; a message deleted in Discord (404, code 10008) ends its
// job with no retry; a refused erasure schedules nothing. docs/decisions/personal-data.md.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { EVENTS } from '../../src/modules/shared/events.js';
import { adminCtx } from '../helpers/actors.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { waitFor } from '../helpers/wait-for.js';
import { useHarness } from './harness.js';

const f = factories();
const db = testDb();
const h = useHarness({ worker: true });

const JANE = { name: 'Jane Roe', line1: '1 Elm St', line2: 'Apt 4', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' };
const PERSONAL = ['Jane Roe', 'janeroe', 'Elm St', 'Apt 4', 'Springfield'];
const ERASE_TASK = `${EVENTS.orderPersonalDataErased}>discord-admin-message`;

/** A shop with an API key, and Jane, a customer whose orders all went out. */
async function shopWithJane() {
  const s = await f.shop();
  const { key } = await h.t.services.apiKeys.create(adminCtx(s.tenant.id), 'erasure test', 'READ_WRITE');
  const jane = await f.customer({ tenantId: s.tenant.id, username: 'janeroe', displayName: 'Jane Roe' });
  return { s, jane, auth: { authorization: `Bearer ${key}` } };
}

/** A delivered order of `customerId`, its admin message posted by the real order.created job; where it is. */
async function postedOrder(s: { tenant: { id: string }; guild: { id: string } }, customerId: string, shippingAddress = JANE) {
  const order = await f.order({
    tenantId: s.tenant.id,
    customerId,
    guildId: s.guild.id,
    status: 'SHIPPED',
    shippingStatus: 'DELIVERED',
    paidAt: new Date(),
    paymentStatus: 'paid',
    shippingAddress,
  });
  await h.t.services.bus.emit(db, EVENTS.orderCreated, { tenantId: s.tenant.id, orderId: order.id });
  const stored = await waitFor(`the admin message of order #${order.number}`, async () => {
    const o = await db.order.findUniqueOrThrow({ where: { id: order.id } });
    return o.adminMessageId && o.adminMessageChannelId ? o : null;
  });
  const [channelId, messageId] = [stored.adminMessageChannelId!, stored.adminMessageId!];
  return { order, channelId, messageId, path: `/channels/${channelId}/messages/${messageId}` };
}

type Posted = Awaited<ReturnType<typeof postedOrder>>;
const contentOf = (m: Posted) => JSON.stringify(h.fake.message(m.channelId, m.messageId));

/** The shop's admin-channel lane rows of the erasure's edits (none left once each ran and ended). */
const erasureJobs = async (tenantId: string) =>
  (
    await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM lane_jobs WHERE "tenantId" = ${tenantId} AND task = ${ERASE_TASK}`
  )[0]!.n;

describe('erasing a customer edits their order messages in the admin channel', () => {
  it("edits both of the customer's messages to the erased order and leaves another customer's alone", async () => {
    const { s, jane, auth } = await shopWithJane();
    const first = await postedOrder(s, jane.id);
    const second = await postedOrder(s, jane.id);
    const other = await postedOrder(s, s.customer.id, { ...JANE, name: 'Sam Other', line1: '9 Oak Ave', city: 'Shelbyville' });
    for (const m of [first, second]) {
      for (const personal of ['Jane Roe', 'Elm St', 'Springfield', `<@${jane.discordUserId}>`]) expect(contentOf(m)).toContain(personal);
    }
    const otherBefore = h.fake.message(other.channelId, other.messageId);

    await request(h.t.app).post(`/api/customers/${jane.id}/erase`).set(auth).expect(200);

    const placeholder = `Erased customer #${jane.id.slice(4, 12)}`;
    for (const m of [first, second]) {
      const edited = await waitFor(`order #${m.order.number}'s message edited`, () => {
        const held = h.fake.message(m.channelId, m.messageId);
        return held?.edited_timestamp ? held : null;
      });
      const text = JSON.stringify(edited);
      for (const personal of [...PERSONAL, `<@${jane.discordUserId}>`]) expect(text).not.toContain(personal);
      expect(text).toContain(`Customer: ${placeholder}`);
      // What the shop keeps: the order, its totals, and country, state and ZIP.
      expect(text).toContain(`Order #${m.order.number}`);
      expect(text).toContain('IL 62701');
      // Through Discord's Edit Message route, once, in the channel the message is in.
      expect(h.fake.find('PATCH', new RegExp(`^${m.path}$`))).toHaveLength(1);
    }
    await waitFor('the erasure jobs done', async () => (await erasureJobs(s.tenant.id)) === 0);
    expect(h.fake.find('PATCH', new RegExp(`^${other.path}$`))).toHaveLength(0);
    expect(h.fake.message(other.channelId, other.messageId)).toEqual(otherBefore);
    expect(contentOf(other)).toContain('Sam Other');
  });

  it("a cancelled order's message, edited for the erasure, still says who cancelled it", async () => {
    const { s, jane, auth } = await shopWithJane();
    const order = await f.order({ tenantId: s.tenant.id, customerId: jane.id, guildId: s.guild.id, shippingAddress: JANE });
    await h.t.services.bus.emit(db, EVENTS.orderCreated, { tenantId: s.tenant.id, orderId: order.id });
    const stored = await waitFor('the admin message', async () => {
      const o = await db.order.findUniqueOrThrow({ where: { id: order.id } });
      return o.adminMessageId && o.adminMessageChannelId ? o : null;
    });
    const m = { order, channelId: stored.adminMessageChannelId!, messageId: stored.adminMessageId! };
    // The shop cancels it (unpaid): its message says so.
    await request(h.t.app).patch(`/api/orders/${order.id}`).set(auth).send({ status: 'CANCELLED' }).expect(200);
    await waitFor('the message says who cancelled it', () => contentOf({ ...m, path: '' }).includes('Cancelled by the shop'));

    await request(h.t.app).post(`/api/customers/${jane.id}/erase`).set(auth).expect(200);
    await waitFor('the erasure jobs done', async () => (await erasureJobs(s.tenant.id)) === 0);
    const text = contentOf({ ...m, path: '' });
    for (const personal of PERSONAL) expect(text).not.toContain(personal);
    expect(text).toContain(`Customer: Erased customer #${jane.id.slice(4, 12)}`);
    // What the order really was: cancelled by the shop (it said only "Cancelled").
    expect(text).toContain('Cancelled by the shop');
  });

  it('a message deleted in Discord (404, 10008) ends its job with no retry; the other is still edited', async () => {
    const { s, jane, auth } = await shopWithJane();
    const deleted = await postedOrder(s, jane.id);
    const kept = await postedOrder(s, jane.id);
    // A shop admin deletes the first message in Discord.
    const res = await fetch(`${h.fake.apiBase}/v10${deleted.path}`, { method: 'DELETE', headers: { authorization: 'Bot test' } });
    expect(res.status).toBe(204);

    await request(h.t.app).post(`/api/customers/${jane.id}/erase`).set(auth).expect(200);

    const refused = await waitFor('the edit of the deleted message answered', () =>
      h.fake.find('PATCH', new RegExp(`^${deleted.path}$`)).find((c) => c.status !== undefined),
    );
    expect(refused.status).toBe(404);
    await waitFor("the kept message's edit", () => h.fake.message(kept.channelId, kept.messageId)?.edited_timestamp);
    // Both jobs ended (a retry keeps its lane row, waiting): one PATCH of the deleted message, none again.
    await waitFor('the erasure jobs done', async () => (await erasureJobs(s.tenant.id)) === 0);
    expect(h.fake.find('PATCH', new RegExp(`^${deleted.path}$`))).toHaveLength(1);
    for (const personal of PERSONAL) expect(contentOf(kept)).not.toContain(personal);
  });

  it('a refused erasure schedules nothing (its transaction rolled back)', async () => {
    const { s, jane, auth } = await shopWithJane();
    const posted = await postedOrder(s, jane.id);
    // An unpaid order to ship: the address is still needed, so the erasure is refused.
    await f.order({ tenantId: s.tenant.id, customerId: jane.id, status: 'PENDING_PAYMENT', shippingAddress: JANE });
    await request(h.t.app).post(`/api/customers/${jane.id}/erase`).set(auth).expect(409);

    expect(await erasureJobs(s.tenant.id)).toBe(0);
    const jobs = await db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = ${ERASE_TASK}`;
    expect(jobs[0]!.n).toBe(0);
    expect(h.fake.find('PATCH', new RegExp(`^${posted.path}$`))).toHaveLength(0);
    expect(contentOf(posted)).toContain('Jane Roe');
  });

  it('an order whose post is under way when the erasure commits: the edit runs after the post and erases it', async () => {
    const { s, jane, auth } = await shopWithJane();
    const order = await f.order({
      tenantId: s.tenant.id,
      customerId: jane.id,
      guildId: s.guild.id,
      status: 'SHIPPED',
      shippingStatus: 'DELIVERED',
      paidAt: new Date(),
      paymentStatus: 'paid',
      shippingAddress: JANE,
    });
    // The post job has read the order (with Jane's name and address) and waits on Discord's answer.
    const post = h.fake.hold('POST', new RegExp(`^/channels/${s.tenant.adminChannelId}/messages$`));
    await h.t.services.bus.emit(db, EVENTS.orderCreated, { tenantId: s.tenant.id, orderId: order.id });
    await h.fake.waitFor((c) => c.method === 'POST' && c.path === `/channels/${s.tenant.adminChannelId}/messages`);

    await request(h.t.app).post(`/api/customers/${jane.id}/erase`).set(auth).expect(200);
    post.release();

    const stored = await waitFor('the admin message recorded', async () => {
      const o = await db.order.findUniqueOrThrow({ where: { id: order.id } });
      return o.adminMessageId ? o : null;
    });
    const m = { order, channelId: stored.adminMessageChannelId!, messageId: stored.adminMessageId! };
    const edited = await waitFor('the posted message edited', () => {
      const held = h.fake.message(m.channelId, m.messageId);
      return held?.edited_timestamp ? held : null;
    });
    for (const personal of [...PERSONAL, `<@${jane.discordUserId}>`]) expect(JSON.stringify(edited)).not.toContain(personal);
  });

  // Last in the file: the rate limit stays on the fake for the tests after it.
  it("many orders: one edit each, one at a time in the shop's lane, never past the channel's rate limit", async () => {
    const { s, jane, auth } = await shopWithJane();
    const posted: Posted[] = [];
    for (let i = 0; i < 7; i += 1) posted.push(await postedOrder(s, jane.id));
    const EDIT_ROUTE = /^\/channels\/(\d+)\/messages\/\d+$/;
    h.fake.rateLimit({ method: 'PATCH', path: EDIT_ROUTE, limit: 3, windowMs: 1500 });

    await request(h.t.app).post(`/api/customers/${jane.id}/erase`).set(auth).expect(200);
    // The edits are rows of the shop's lane, not jobs of their own that could run at once.
    const jobs = await db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = ${ERASE_TASK}`;
    expect(jobs[0]!.n).toBe(0);

    await waitFor('every message edited', () => posted.every((m) => h.fake.message(m.channelId, m.messageId)?.edited_timestamp));
    await waitFor('the erasure jobs done', async () => (await erasureJobs(s.tenant.id)) === 0);
    for (const m of posted) {
      expect(h.fake.find('PATCH', new RegExp(`^${m.path}$`)).filter((c) => c.status === 200)).toHaveLength(1);
      for (const personal of PERSONAL) expect(contentOf(m)).not.toContain(personal);
    }
    expect(h.fake.overshoot.filter((o) => o.method === 'PATCH')).toEqual([]);
  });
});
