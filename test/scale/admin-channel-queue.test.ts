// One shop's order storm against Discord's per-channel message limit (the fake enforces it as Discord does:
// 429 past the bucket, X-RateLimit headers). The admin channel takes its posts at the channel's pace whatever
// the worker does; the customers' DMs must not wait for them. Before the admin-channel jobs had a queue per
// shop, every worker slot filled with admin posts waiting on that one channel and the DMs came at its pace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
afterAll(async () => {
  await worker?.stop();
  await t.services.close();
  await discord.stop();
});

async function shopWithOrders(orders: number) {
  const adminChannelId = snowflake();
  const tenant = await f.tenant({ adminChannelId });
  const guild = await f.guild({ tenantId: tenant.id });
  const shippingType = await f.shippingType({ tenantId: tenant.id, priceCents: 500, name: 'Standard' });
  const product = await f.product({ tenantId: tenant.id, unitPriceCents: 2500, trackStock: true, stock: orders });
  for (const s of await readySessionsDirect(db, { tenant, guild, shippingType, product }, orders))
    await t.services.orders.submit(tenant.id, s.customerId, { memberRoleIds: [] });
  return { tenant, adminChannelId };
}

describe("a shop's admin channel under its rate limit", () => {
  it('takes one worker slot: the DMs and another shop go on while its posts wait, in order', { timeout: 120_000 }, async () => {
    const busy = await shopWithOrders(ORDERS);
    const other = await shopWithOrders(2);

    // Each shop's admin-channel jobs are in that shop's queue.
    const queues = await db.$queryRaw<{ tenantId: string; queue: string | null }[]>`
      SELECT j.payload->>'tenantId' AS "tenantId", q.queue_name AS queue
      FROM graphile_worker._private_jobs j
        JOIN graphile_worker._private_tasks k ON k.id = j.task_id
        LEFT JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id
      WHERE k.identifier = 'order.created>discord-admin-embed'`;
    expect(queues).toHaveLength(ORDERS + 2);
    for (const row of queues) expect(row.queue).toBe(`discord-admin:${row.tenantId}`);

    worker = await startWorker({
      connectionString: testDatabaseUrl(),
      bus: t.services.bus,
      logger: t.services.logger,
      concurrency: CONCURRENCY,
      pollIntervalMs: 50,
    });
    const posted = (channelId: string) =>
      discord.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${channelId}/messages` && c.status === 200);
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
    // ...and so did the other shop's admin posts: a queue per shop, not one for all.
    expect(Math.max(...posted(other.adminChannelId).map((c) => c.at))).toBeLessThan(sixth);

    // The busy channel got every order once, in order (one job at a time, oldest first).
    const numbers = busyPosts.map((c) => Number(JSON.stringify(c.body).match(/#(\d+)/)?.[1]));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(new Set(numbers).size).toBe(ORDERS);
  });
});
