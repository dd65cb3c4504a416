// Order storms against Discord's per-channel message limit (the fake enforces it as Discord does: 429 past
// the bucket, X-RateLimit headers). An admin channel takes its posts at the channel's pace whatever the worker
// does; nobody else may wait for them: not the customers' DMs, not another shop's admin channel.
// - Before the admin-channel jobs had lanes, every worker slot filled with admin posts waiting on one channel.
// - With graphile-worker queues shared by shops (64, by a hash of the shop), each busy shop's queue held a
//   slot while its post waited, and a shop sharing a busy shop's queue waited for all its posts.
// Now each shop's jobs are in its own lane (src/platform/jobs/lanes.ts), which waits for the bucket's reset
// with no slot held.
// The note telling the admins that a DM did not reach its customer (DMs closed) is an admin post too: it is a
// job of that lane, not a call made by the DM's job.
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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
const CONCURRENCY = 4;
/** The 64 queues shared by shops before lanes (ADMIN_CHANNEL_QUEUES), to place the shops where they failed. */
const OLD_SHARED_QUEUES = 64;
/** The old queue of a shop: the first 16 bits of the MD5 of its id, modulo the number of queues, as they were placed. */
const oldQueueOf = (tenantId: string) => parseInt(createHash('md5').update(tenantId).digest('hex').slice(0, 4), 16) % OLD_SHARED_QUEUES;

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
 * `oldQueue`: its id is one the old shared queues put in that queue (to show a shop no longer waits for the
 * busy shop it shared a queue with); `notInOldQueues`: one they put in none of those.
 */
async function shopWithOrders(orders: number, opts: { dmsClosed?: boolean; oldQueue?: number; notInOldQueues?: number[] } = {}) {
  const adminChannelId = snowflake();
  let id: string;
  do id = `tnt_${randomUUID().replaceAll('-', '')}`;
  while (
    (opts.oldQueue !== undefined && oldQueueOf(id) !== opts.oldQueue) ||
    (opts.notInOldQueues && opts.notInOldQueues.includes(oldQueueOf(id)))
  );
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

/** The admin-channel jobs of each shop waiting in its lane, by task. */
const laned = (task: string) =>
  db.$queryRaw<{ tenantId: string; n: number }[]>`
    SELECT "tenantId", count(*)::int AS n FROM lane_jobs WHERE lane = 'discord-admin' AND task = ${task} GROUP BY "tenantId"`;

/** Successful calls that posted a DM (to a DM channel, not to any admin channel). */
const dmPosts = (since = 0) =>
  discord.calls
    .slice(since)
    .filter(
      (c) =>
        c.method === 'POST' &&
        c.status === 200 &&
        /^\/channels\/\d+\/messages$/.test(c.path) &&
        discord.dmRecipient(c.path.split('/')[2]!) !== undefined,
    );

describe("shops' admin channels under their rate limits", () => {
  it(
    'hold no worker slot while they wait: the DMs and a quiet shop go on, each busy channel gets its posts in order',
    { timeout: 180_000 },
    async () => {
      // As many busy shops as the worker has slots, each with a second window of posts; in different old queues,
      // so each held a slot there. The quiet shop shared the first busy shop's old queue.
      const perShop = LIMIT + 1;
      const busy: Awaited<ReturnType<typeof shopWithOrders>>[] = [];
      for (let i = 0; i < CONCURRENCY; i++)
        busy.push(await shopWithOrders(perShop, { notInOldQueues: busy.map((b) => oldQueueOf(b.tenant.id)) }));
      const quiet = await shopWithOrders(2, { oldQueue: oldQueueOf(busy[0]!.tenant.id) });
      const shops = [...busy, quiet];

      // Each shop's admin-channel jobs are in its lane, not graphile-worker jobs.
      const inLanes = await laned('order.created>discord-admin-embed');
      expect(new Map(inLanes.map((l) => [l.tenantId, l.n]))).toEqual(new Map(shops.map((s) => [s.tenant.id, s === quiet ? 2 : perShop])));
      const asJobs = await db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks k ON k.id = j.task_id
      WHERE k.identifier = 'order.created>discord-admin-embed'`;
      expect(asJobs[0]!.n).toBe(0);

      worker = await startTestWorker();
      await waitFor(
        'every admin post',
        async () => busy.every((b) => posted(b.adminChannelId).length === perShop) && posted(quiet.adminChannelId).length === 2,
        { timeoutMs: 90_000, intervalMs: 100 },
      );
      // The first moment a busy channel's second window opened (its post after the first LIMIT).
      const secondWindow = Math.min(...busy.map((b) => posted(b.adminChannelId)[LIMIT]!.at));

      // Every customer's DM arrived before it, and so did the quiet shop's admin posts.
      const dms = dmPosts();
      expect(dms).toHaveLength(CONCURRENCY * perShop + 2);
      expect(Math.max(...dms.map((c) => c.at))).toBeLessThan(secondWindow);
      expect(Math.max(...posted(quiet.adminChannelId).map((c) => c.at))).toBeLessThan(secondWindow);

      // Each busy channel got every order once, in order (one job at a time, oldest first).
      for (const b of busy) {
        const numbers = posted(b.adminChannelId).map((c) => Number(JSON.stringify(c.body).match(/#(\d+)/)?.[1]));
        expect(numbers).toEqual([...numbers].sort((x, y) => x - y));
        expect(new Set(numbers).size).toBe(perShop);
      }
      // The last post reached Discord before its drain deleted the row: the lanes empty right after.
      await waitFor('the lanes to empty', async () => (await db.laneJob.count()) === 0, { timeoutMs: 30_000, intervalMs: 50 });
    },
  );
});

describe('a DM that does not reach its customer', () => {
  it("is told to the admins from the shop's lane: the DM's job does not wait on the admin channel", { timeout: 120_000 }, async () => {
    // Every customer of the busy shop has closed DMs: each order is an approve/reject post and a "Customer not
    // reached" note, twice the channel's limit. Before, each note was posted by the DM's own job, so those
    // jobs filled the free slots waiting on the channel and the other shop's DMs waited behind them.
    const orders = 2 * LIMIT;
    const busy = await shopWithOrders(orders, { dmsClosed: true });
    const other = await shopWithOrders(2);
    const notReached = (channelId: string) => posted(channelId).filter((c) => JSON.stringify(c.body).includes('Customer not reached'));

    const since = discord.calls.length; // the calls before are the other test's
    worker = await startTestWorker();
    const otherDms = () => discord.directMessages().filter((m) => JSON.stringify(m.body).includes(other.tenant.name));
    await waitFor("the other shop's DMs", async () => otherDms().length === 2, { timeoutMs: 60_000, intervalMs: 50 });
    // The busy channel is still working through its first windows: the notes not posted yet wait in its lane.
    const waiting = await laned('customer.dm_not_delivered>discord-admin-alert');
    expect(waiting.map((w) => w.tenantId)).toEqual([busy.tenant.id]);

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
    const dmCalls = dmPosts(since);
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
