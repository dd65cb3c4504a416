// A shop's admin channel is a text channel of the shop's own Discord server (modules/tenants/admin-channel.ts),
// against the fake Discord API, which places each channel in one server (GET /guilds/{id}/channels and GET
// /channels/{id} with its guild_id, as Discord answers them):
// - at a save of Shop settings (the panel's form as the browser posts it): another shop's channel, a voice channel
//   of the shop's own server, and any channel while Discord cannot be asked are refused under the field, with
//   nothing written; a text channel of the shop's own server is saved; a thread, a forum, a category or a stage of
//   the shop's own server is refused for what it is ("That is a thread (in #orders); choose a text or announcement channel..."), the
//   fake answering them as Discord's channel objects (a thread in no channel list, as Discord lists none);
// - before each post (the real order.created job): a channel stored before the rule existed that belongs to
//   another shop's server is not posted to (and the order waits in the panel), while the shop's own is;
// - on the dashboard: such a stored channel (or a voice channel, or a thread, said as such) is a gap of the "Before
//   your first order" checklist.
// The save's refusal reproduces the audit's report (shop A's admin saves shop B's channel, and A's orders were
// posted into B's server).
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { EVENTS } from '../../src/modules/shared/events.js';
import { startWorker } from '../../src/platform/jobs/worker.js';
import { FakeDiscordApi } from '../fakes/fake-discord-api.js';
import { testDb, testDatabaseUrl } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { waitForJobsDone } from '../helpers/job-queue.js';
import { loadedRow, loggedIn, startAdminApp, type RunningAdmin } from './admin-helpers.js';

const f = factories();
const db = testDb();
let app: RunningAdmin;
let fake: FakeDiscordApi;
let worker: Awaited<ReturnType<typeof startWorker>>;

beforeAll(async () => {
  fake = await new FakeDiscordApi().start();
  app = await startAdminApp({ env: { DISCORD_API_BASE_URL: fake.apiBase } });
  worker = await startWorker({
    connectionString: testDatabaseUrl(),
    bus: app.services.bus,
    logger: app.services.logger,
    concurrency: 2,
    pollIntervalMs: 100,
  });
});
beforeEach(() => fake.reset());
afterAll(async () => {
  await worker?.stop();
  await app?.close();
  await fake?.stop();
});

/** Two shops whose admin channels are text channels of their own servers, as Discord lists them. */
async function twoShops() {
  const a = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
  const b = await f.shop();
  fake.addChannel(a.guild.id, { id: a.tenant.adminChannelId!, name: 'a-orders' });
  fake.addChannel(b.guild.id, { id: b.tenant.adminChannelId!, name: 'b-orders' });
  return { a, b };
}

/** Shop settings saved by the shop's own admin with `adminChannelId` (every other field as stored). */
async function saveChannel(tenantId: string, adminChannelId: string) {
  const admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
  const t = await db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
  const fields: Record<string, string> = {
    name: t.name,
    currency: t.currency,
    ...Object.fromEntries(t.enabledPaymentMethods.map((m, i) => [`enabledPaymentMethods.${i}`, m])),
    ...Object.fromEntries(t.adminRoleIds.map((r, i) => [`adminRoleIds.${i}`, r])),
    roleRemovalPolicy: t.roleRemovalPolicy,
    adminChannelId,
    inventoryTracking: String(t.inventoryTracking),
    taxjarEnabled: 'false',
    taxjarApiKeyNew: '',
    addressValidation: 'false',
    timeZone: t.timeZone,
    ...(await loadedRow(admin, 'Tenant', tenantId)),
  };
  let req = admin.agent.post(`/admin/api/resources/Tenant/records/${tenantId}/edit`).set(admin.headers());
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  const res = await req;
  return res.body as { notice?: { type: string; message: string }; record?: { errors?: Record<string, { message: string }> } };
}

it("another shop's channel is refused at the save, under the field, and nothing is written", async () => {
  const { a, b } = await twoShops();
  const before = await db.tenant.findUniqueOrThrow({ where: { id: a.tenant.id } });
  const answer = await saveChannel(a.tenant.id, b.tenant.adminChannelId!);
  expect(answer.notice?.type).toBe('error');
  expect(answer.record?.errors?.adminChannelId?.message).toBe(
    "This is not a channel of this shop's Discord server: pick one of its text or announcement channels.",
  );
  expect(await db.tenant.findUniqueOrThrow({ where: { id: a.tenant.id } })).toEqual(before);
});

it("a voice channel of the shop's own server is refused; a text channel of it is saved", async () => {
  const { a } = await twoShops();
  const lounge = fake.addChannel(a.guild.id, { name: 'Lounge', type: 2 });
  const voice = await saveChannel(a.tenant.id, lounge.id);
  expect(voice.record?.errors?.adminChannelId?.message).toBe('That is a voice channel; choose a text or announcement channel.');
  const desk = fake.addChannel(a.guild.id, { name: 'order-desk' });
  const saved = await saveChannel(a.tenant.id, desk.id);
  expect(saved.notice?.type, JSON.stringify(saved)).toBe('success');
  expect((await db.tenant.findUniqueOrThrow({ where: { id: a.tenant.id } })).adminChannelId).toBe(desk.id);
});

it("a thread of the shop's own server is refused as a thread in its channel; a forum and a category for what they are", async () => {
  const { a, b } = await twoShops();
  const before = await db.tenant.findUniqueOrThrow({ where: { id: a.tenant.id } });
  const orders = fake.addChannel(a.guild.id, { name: 'orders' });
  const refusal = async (channelId: string) => (await saveChannel(a.tenant.id, channelId)).record?.errors?.adminChannelId?.message;
  // Discord lists no threads in a server's channels: asked alone, a thread names its server and its channel. Before,
  // it was "not a channel of this shop's Discord server", true but not the reason.
  const thread = fake.addThread(a.guild.id, orders.id, { name: 'order questions' });
  const THREAD_REFUSAL =
    'That is a thread (in #orders); choose a text or announcement channel: a thread closes when it goes quiet, and the order messages in it could then no longer be updated.';
  expect(await refusal(thread.id)).toBe(THREAD_REFUSAL);
  expect(await refusal(fake.addThread(a.guild.id, orders.id, { type: 12 }).id)).toBe(THREAD_REFUSAL);
  expect(await refusal(fake.addChannel(a.guild.id, { name: 'help', type: 15 }).id)).toBe(
    'That is a forum; choose a text or announcement channel: a forum takes posts only as threads.',
  );
  expect(await refusal(fake.addChannel(a.guild.id, { name: 'Shop', type: 4 }).id)).toBe(
    'That is a category; choose a text or announcement channel: it groups channels and takes no messages itself.',
  );
  expect(await refusal(fake.addChannel(a.guild.id, { name: 'Stage', type: 13 }).id)).toBe(
    'That is a stage channel; choose a text or announcement channel.',
  );
  // Another shop's thread is still, first of all, not this shop's.
  const theirs = fake.addThread(b.guild.id, b.tenant.adminChannelId!);
  expect(await refusal(theirs.id)).toBe(
    "This is not a channel of this shop's Discord server: pick one of its text or announcement channels.",
  );
  expect(await db.tenant.findUniqueOrThrow({ where: { id: a.tenant.id } })).toEqual(before);
});

it('a channel Discord cannot be asked about is not saved: the admin is told to try again', async () => {
  const { a } = await twoShops();
  const desk = fake.addChannel(a.guild.id, { name: 'order-desk' });
  // Discord down for the save's look-ups (a 5xx is tried once more by the REST client, so every call fails).
  fake.fail({ method: 'GET', path: /^\/(guilds\/\d+\/channels|channels\/\d+)$/, status: 503, times: Infinity });
  const answer = await saveChannel(a.tenant.id, desk.id);
  expect(answer.record?.errors?.adminChannelId?.message).toBe(
    "Discord could not be asked whether this channel is in this shop's server, so it was not saved: try again in a moment.",
  );
  expect((await db.tenant.findUniqueOrThrow({ where: { id: a.tenant.id } })).adminChannelId).toBe(a.tenant.adminChannelId);
});

it('a linked server the bot was removed from (its channel list refused) does not block a channel of the other server', async () => {
  const { a, b } = await twoShops();
  const gone = await f.guild({ tenantId: a.tenant.id }); // linked, but the bot is no longer in it: Discord answers 403
  fake.fail({
    method: 'GET',
    path: new RegExp(`^/guilds/${gone.id}/channels$`),
    status: 403,
    body: { message: 'Missing Access', code: 50001 },
    times: Infinity,
  });
  const desk = fake.addChannel(a.guild.id, { name: 'order-desk' });
  // Before: every change was refused as "Discord could not be asked ... try again", which never helped.
  const answer = await saveChannel(a.tenant.id, desk.id);
  expect(answer.notice?.type, JSON.stringify(answer)).toBe('success');
  expect((await db.tenant.findUniqueOrThrow({ where: { id: a.tenant.id } })).adminChannelId).toBe(desk.id);
  // Still only the shop's own: another shop's channel is refused the same way.
  const foreign = await saveChannel(a.tenant.id, b.tenant.adminChannelId!);
  expect(foreign.record?.errors?.adminChannelId?.message).toBe(
    "This is not a channel of this shop's Discord server: pick one of its text or announcement channels.",
  );
  expect((await db.tenant.findUniqueOrThrow({ where: { id: a.tenant.id } })).adminChannelId).toBe(desk.id);
});

/** Discord refuses the bot every GET of `path` (403 Missing Access: a server it was removed from, a channel it cannot see). */
const missingAccess = (path: RegExp) =>
  fake.fail({ method: 'GET', path, status: 403, body: { message: 'Missing Access', code: 50001 }, times: Infinity });

it("a thread, while a linked server's channel list cannot be read, is still named with its channel; or without it when Discord will not say", async () => {
  const { a } = await twoShops();
  const gone = await f.guild({ tenantId: a.tenant.id }); // linked, but the bot is no longer in it: Discord answers 403
  missingAccess(new RegExp(`^/guilds/${gone.id}/channels$`));
  const before = await db.tenant.findUniqueOrThrow({ where: { id: a.tenant.id } });
  const refusal = async (channelId: string) => (await saveChannel(a.tenant.id, channelId)).record?.errors?.adminChannelId?.message;
  // No list was read: the thread and then its channel are each asked of Discord alone (GET /channels/{id}).
  const orders = fake.addChannel(a.guild.id, { name: 'orders' });
  const thread = fake.addThread(a.guild.id, orders.id, { name: 'order questions' });
  expect(await refusal(thread.id)).toBe(
    'That is a thread (in #orders); choose a text or announcement channel: a thread closes when it goes quiet, and the order messages in it could then no longer be updated.',
  );
  // Its channel cannot be asked about (403 Missing Access): still refused as a thread, its channel unnamed.
  const hidden = fake.addChannel(a.guild.id, { name: 'hidden' });
  const hiddenThread = fake.addThread(a.guild.id, hidden.id, { name: 'private questions' });
  missingAccess(new RegExp(`^/channels/${hidden.id}$`));
  expect(await refusal(hiddenThread.id)).toBe(
    'That is a thread; choose a text or announcement channel: a thread closes when it goes quiet, and the order messages in it could then no longer be updated.',
  );
  expect(await db.tenant.findUniqueOrThrow({ where: { id: a.tenant.id } })).toEqual(before);
});

it("a stored channel of another shop's server is not posted to; the shop's own channel is", async () => {
  const { a, b } = await twoShops();
  const c = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
  fake.addChannel(c.guild.id, { id: c.tenant.adminChannelId!, name: 'c-orders' });
  // Saved before the panel checked the channel: shop A's admin channel is one of shop B's server.
  await db.tenant.update({ where: { id: a.tenant.id }, data: { adminChannelId: b.tenant.adminChannelId } });
  const order = async (shop: typeof a) => {
    const o = await f.order({
      tenantId: shop.tenant.id,
      customerId: shop.customer.id,
      paymentStatus: 'awaiting_admin_approval',
      guildId: shop.guild.id,
    });
    await app.services.bus.emit(db, EVENTS.orderCreated, { tenantId: shop.tenant.id, orderId: o.id });
    return o;
  };
  const mine = await order(a);
  const theirs = await order(c);
  await waitForJobsDone();
  // Nothing went to the other shop's channel: Discord was asked which server it is in.
  expect(fake.calls.filter((x) => x.method === 'POST' && x.path === `/channels/${b.tenant.adminChannelId}/messages`)).toEqual([]);
  expect(fake.calls.some((x) => x.method === 'GET' && x.path === `/channels/${b.tenant.adminChannelId}`)).toBe(true);
  expect((await db.order.findUniqueOrThrow({ where: { id: mine.id } })).adminMessageId).toBeNull();
  // The shop whose channel is its own: its order is posted there, with its buttons.
  const posted = fake.calls.find((x) => x.method === 'POST' && x.path === `/channels/${c.tenant.adminChannelId}/messages`);
  expect(JSON.stringify(posted?.body)).toContain(`#${theirs.number}`);
  expect((await db.order.findUniqueOrThrow({ where: { id: theirs.id } })).adminMessageId).toBeTruthy();
});

it("the dashboard's checklist says when the stored admin channel is one the bot will not post to", async () => {
  const { a, b } = await twoShops();
  const checklist = async (tenantId: string) => {
    const admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
    const body = (await admin.agent.get('/admin/api/dashboard').set(admin.headers()).expect(200)).body as {
      readiness?: { items: { key: string; text: string; fix?: { url: string } }[] };
    };
    return body.readiness?.items ?? [];
  };
  // The shop's own text channel: nothing to say about it.
  expect((await checklist(b.tenant.id)).map((i) => i.key)).not.toContain('adminChannelNotOwn');
  // Saved before the panel checked the channel: shop A's admin channel is one of shop B's server. Before this
  // check the checklist was silent and only a log line said why A's orders never reached Discord.
  await db.tenant.update({ where: { id: a.tenant.id }, data: { adminChannelId: b.tenant.adminChannelId } });
  const foreign = (await checklist(a.tenant.id)).find((i) => i.key === 'adminChannelNotOwn');
  expect(foreign?.text).toBe(
    "Your admin channel is not a channel of your shop's Discord server, so new orders are not posted there: choose one of your server's text or announcement channels.",
  );
  expect(foreign?.fix?.url).toBe(`/admin/resources/Tenant/records/${a.tenant.id}/edit`);
  // A voice channel of its own server (another shop, so the dashboard's minute of memory does not answer).
  const c = await f.shop();
  const lounge = fake.addChannel(c.guild.id, { name: 'Lounge', type: 2 });
  await db.tenant.update({ where: { id: c.tenant.id }, data: { adminChannelId: lounge.id } });
  expect((await checklist(c.tenant.id)).find((i) => i.key === 'adminChannelNotOwn')?.text).toBe(
    "Your admin channel is a voice channel, so new orders are not posted there: choose one of your server's text or announcement channels.",
  );
  // A thread of its own server (saved before the rule): said to be one, in its channel.
  const e = await f.shop();
  const desk = fake.addChannel(e.guild.id, { name: 'order-desk' });
  await db.tenant.update({ where: { id: e.tenant.id }, data: { adminChannelId: fake.addThread(e.guild.id, desk.id).id } });
  expect((await checklist(e.tenant.id)).find((i) => i.key === 'adminChannelNotOwn')?.text).toBe(
    "Your admin channel is a thread (in #order-desk), so new orders are not posted there: choose one of your server's text or announcement channels.",
  );
  // Discord down: nothing is claimed either way (and the dashboard still answers).
  const d = await f.shop();
  fake.fail({ method: 'GET', path: /^\/(guilds\/\d+\/channels|channels\/\d+)$/, status: 503, times: Infinity });
  expect((await checklist(d.tenant.id)).map((i) => i.key)).not.toContain('adminChannelNotOwn');
});
