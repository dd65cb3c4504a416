// One shop's order storm against Discord's per-channel message limit (the fake enforces it as Discord does:
// 429 past the bucket, X-RateLimit headers). The admin channel takes its posts at the channel's pace whatever
// the worker does; the customers' DMs must not wait for them. Before the admin-channel jobs had queues (a
// shop's jobs always in the same one), every worker slot filled with admin posts waiting on that one channel
// and the DMs came at its pace.
// The note telling the admins that a DM did not reach its customer (DMs closed) is an admin post too: it is a
// job of that queue, not a call made by the DM's job.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adminChannelQueueOf } from '../../src/adapters/discord/notifications/admin-channel-queue.js';
import { startWorker, type WorkerHandle } from '../../src/platform/jobs/worker.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { testDatabaseUrl, testDb } from '../helpers/db.js';
import { factories, snowflake } from '../helpers/factories.js';
import { FakeDiscordApi } from '../fakes/fake-discord-api.js';
import { readySessionsDirect } from '../modules/orders/ready-sessions.js';
import { waitFor } from '../helpers/wait-for.js';

/** Per channel, as Discord's message bucket (5 per 5 s), with a shorter window to keep the test short. */
const LIMIT = 5;
const WINDOW_MS = 3000;
/** Three windows of admin posts for the busy shop; more than the worker has slots. */
const ORDERS = 3 * LIMIT;
const CONCURRENCY = 4;

let discord: FakeDiscordApi;
let t: TestApp;
let worker: WorkerHandle | undefined;
const db = testDb();
const f = factories(db);

beforeAll(async () => {
  discord = await new FakeDiscordApi().start();
  discord.rateLimit({ method: 'POST', path: /^\/channels\/(\d+)\/messages$/, limit: LIMIT, windowMs: WINDOW_MS });
  t = await createTestApp({ env: { DISCORD_API_BASE_URL: discord.apiBase } });
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});
afterAll(async () => {
  await t.services.close();
  await discord.stop();
});

/**
 * A shop with `orders` orders submitted (its customers' DMs known closed with `dmsClosed`); no job has run.
 * With `apartFrom`, its admin-channel jobs are in another queue than that shop's (the queues are shared).
 */
async function shopWithOrders(orders: number, opts: { dmsClosed?: boolean; apartFrom?: { id: string } } = {}) {
  const adminChannelId = snowflake();
  let id: string;
  do id = `tnt_${randomUUID().replaceAll('-', '')}`;
  while (opts.apartFrom && adminChannelQueueOf(id) === adminChannelQueueOf(opts.apartFrom.id));
  const tenant = await f.tenant({ id, adminChannelId });
  const guild = await f.guild({ tenantId: tenant.id });
  const shippingType = await f.shippingType({ tenantId: tenant.id, priceCents: 500, name: 'Standard' });
  const product = await f.product({ tenantId: tenant.id, unitPriceCents: 2500, trackStock: true, stock: orders });
  const sessions = await readySessionsDirect(db, { tenant, guild, shippingType, product }, orders);
  if (opts.dmsClosed)
    await db.customer.updateMany({ where: { id: { in: sessions.map((s) => s.customerId) } }, data: { dmClosedAt: new Date() } });
  for (const s of sessions) await t.services.orders.submit(tenant.id, s.customerId, { memberRoleIds: [] });
  return { tenant, adminChannelId };
}

function startTestWorker() {
  return startWorker({
    connectionString: testDatabaseUrl(),
    bus: t.services.bus,
    logger: t.services.logger,
    concurrency: CONCURRENCY,
    pollIntervalMs: 50,
  });
}

/** Accepted posts to one channel, in order. */
const posted = (channelId: string) =>
  discord.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${channelId}/messages` && c.status === 200);

describe("a shop's admin channel under its rate limit", () => {
  it('takes one worker slot: the DMs and another shop go on while its posts wait, in order', { timeout: 120_000 }, async () => {
    const busy = await shopWithOrders(ORDERS);
    const other = await shopWithOrders(2, { apartFrom: busy.tenant });

    // Each shop's admin-channel jobs are in that shop's queue.
    const queues = await db.$queryRaw<{ tenantId: string; queue: string | null }[]>`
      SELECT j.payload->>'tenantId' AS "tenantId", q.queue_name AS queue
      FROM graphile_worker._private_jobs j
        JOIN graphile_worker._private_tasks k ON k.id = j.task_id
        LEFT JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id
      WHERE k.identifier = 'order.created>discord-admin-embed'`;
    expect(queues).toHaveLength(ORDERS + 2);
    for (const row of queues) expect(row.queue).toBe(adminChannelQueueOf(row.tenantId));

    worker = await startTestWorker();
    await waitFor(
      'every admin post',
      async () => posted(busy.adminChannelId).length === ORDERS && posted(other.adminChannelId).length === 2,
      {
        timeoutMs: 60_000,
        intervalMs: 100,
      },
    );
    const busyPosts = posted(busy.adminChannelId);
    const sixth = busyPosts[LIMIT]!.at; // the first post of the channel's second window

    // Every customer's DM arrived before the busy channel's second window opened...
    const dms = discord.directMessages();
    expect(dms).toHaveLength(ORDERS + 2);
    const dmCalls = discord.calls.filter(
      (c) =>
        c.method === 'POST' &&
        /^\/channels\/\d+\/messages$/.test(c.path) &&
        c.status === 200 &&
        c.path !== `/channels/${busy.adminChannelId}/messages` &&
        c.path !== `/channels/${other.adminChannelId}/messages`,
    );
    expect(dmCalls).toHaveLength(ORDERS + 2);
    expect(Math.max(...dmCalls.map((c) => c.at))).toBeLessThan(sixth);
    // ...and so did the other shop's admin posts: in another queue (the shops share a few), not one for all.
    expect(Math.max(...posted(other.adminChannelId).map((c) => c.at))).toBeLessThan(sixth);

    // The busy channel got every order once, in order (one job at a time, oldest first).
    const numbers = busyPosts.map((c) => Number(JSON.stringify(c.body).match(/#(\d+)/)?.[1]));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(new Set(numbers).size).toBe(ORDERS);
  });
});

describe('a DM that does not reach its customer', () => {
  it("is told to the admins from the shop's queue: the DM's job does not wait on the admin channel", { timeout: 120_000 }, async () => {
    // Every customer of the busy shop has closed DMs: each order is an approve/reject post and a "Customer not
    // reached" note, twice the channel's limit. Before, each note was posted by the DM's own job, so those
    // jobs filled the free slots waiting on the channel and the other shop's DMs waited behind them.
    const orders = 2 * LIMIT;
    const busy = await shopWithOrders(orders, { dmsClosed: true });
    const other = await shopWithOrders(2, { apartFrom: busy.tenant });
    const notReached = (channelId: string) => posted(channelId).filter((c) => JSON.stringify(c.body).includes('Customer not reached'));

    const since = discord.calls.length; // the calls before are the other test's
    worker = await startTestWorker();
    const otherDms = () => discord.directMessages().filter((m) => JSON.stringify(m.body).includes(other.tenant.name));
    await waitFor("the other shop's DMs", async () => otherDms().length === 2, { timeoutMs: 60_000, intervalMs: 50 });
    // The busy channel is still working through its first windows: the notes not posted yet wait in its queue.
    const waiting = await db.$queryRaw<{ queue: string | null }[]>`
      SELECT q.queue_name AS queue
      FROM graphile_worker._private_jobs j
        JOIN graphile_worker._private_tasks k ON k.id = j.task_id
        LEFT JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id
      WHERE k.identifier = 'customer.dm_not_delivered>discord-admin-alert' AND j.payload->>'tenantId' = ${busy.tenant.id}`;
    expect(waiting.length).toBeGreaterThan(0);
    for (const row of waiting) expect(row.queue).toBe(adminChannelQueueOf(busy.tenant.id));

    await waitFor(
      'every admin post',
      async () => posted(busy.adminChannelId).length === 2 * orders && posted(other.adminChannelId).length === 2,
      {
        timeoutMs: 60_000,
        intervalMs: 100,
      },
    );
    const busyPosts = posted(busy.adminChannelId);
    const sixth = busyPosts[LIMIT]!.at; // the first post of the channel's second window
    const dmCalls = discord.calls
      .slice(since)
      .filter((c) => c.method === 'POST' && c.status === 200 && discord.dmRecipient(c.path.split('/')[2]!) !== undefined);
    expect(dmCalls).toHaveLength(2); // the busy shop's customers were not called at all (DMs known closed)
    expect(Math.max(...dmCalls.map((c) => c.at))).toBeLessThan(sixth);

    // One note per order, naming its customer and the message they did not get; none for the other shop.
    const notes = notReached(busy.adminChannelId);
    expect(notes).toHaveLength(orders);
    const numbers = notes.map((c) => Number(JSON.stringify(c.body).match(/order #(\d+)/)?.[1]));
    expect(new Set(numbers).size).toBe(orders);
    for (const n of notes) expect(JSON.stringify(n.body)).toContain('the payment instructions');
    expect(notReached(other.adminChannelId)).toEqual([]);
    const missed = await db.missedNotice.count({ where: { tenantId: busy.tenant.id } });
    expect(missed).toBe(orders);
  });
});
