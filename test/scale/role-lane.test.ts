// A shop selling a role in a rush, against Discord's per-server limit on role changes (PUT/DELETE
// /guilds/{guild}/members/{user}/roles/{role} is one bucket per server: 10 per window, seen in Discord's
// headers, discord/discord-api-docs#7680). The fake enforces it as Discord does: 429 past the bucket, with
// X-RateLimit headers. The server takes its role changes at its own pace whatever the worker does; nobody else
// may wait for them: not the customers' DMs, not another shop's roles.
// - With the role jobs in graphile-worker queues shared by the shops (64, by a hash of shop and customer), each
//   job waiting on the server's bucket held a worker slot, and soon every slot was one: every DM of every shop
//   and every other shop's role waited until the rush had gone through Discord's windows.
// Now a shop's role jobs are in its lane (src/platform/jobs/lanes.ts), which waits for the bucket's reset with
// no slot held.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type WorkerHandle } from '../../src/platform/jobs/worker.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { testDatabaseUrl, testDb } from '../helpers/db.js';
import { factories, snowflake } from '../helpers/factories.js';
import { FakeDiscordApi } from '../fakes/fake-discord-api.js';
import { waitFor } from '../helpers/wait-for.js';
import { paidOrders } from './paid-orders.js';

/** Per server, as Discord's role bucket (10 per window), smaller and shorter to keep the test short. */
const LIMIT = 3;
const WINDOW_MS = 3000;
const CONCURRENCY = 4;
const ROLE_ROUTE = /^\/guilds\/(\d+)\/members\/(\d+)\/roles\/(\d+)$/;

let discord: FakeDiscordApi;
let t: TestApp;
let worker: WorkerHandle | undefined;
const db = testDb();
const f = factories(db);

beforeAll(async () => {
  discord = await new FakeDiscordApi().start();
  discord.rateLimit({ method: 'PUT', path: ROLE_ROUTE, limit: LIMIT, windowMs: WINDOW_MS });
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

/** A shop whose `orders` customers each bought its role product and paid (confirmed by an admin); no job has run. */
async function shopSellingARole(orders: number) {
  const tenant = await f.tenant();
  const guild = await f.guild({ tenantId: tenant.id });
  const roleId = snowflake();
  const product = await f.product({ tenantId: tenant.id, unitPriceCents: 1500, grantedRoleIds: [roleId] });
  const customers = await paidOrders(t.services, f, { tenantId: tenant.id, guildId: guild.id, productId: product.id }, orders);
  return { tenant, guildId: guild.id, roleId, customers };
}

/** Role changes Discord took for a server, in order. */
const roleCalls = (guildId: string) =>
  discord.calls.filter((c) => c.method === 'PUT' && c.status === 204 && ROLE_ROUTE.exec(c.path)?.[1] === guildId);

describe("a shop's role changes under Discord's limit per server", () => {
  it(
    'hold no worker slot while they wait: the DMs and another shop go on, the rush gets its roles in order',
    { timeout: 180_000 },
    async () => {
      const orders = 3 * LIMIT + 1; // four windows of the server's bucket
      const busy = await shopSellingARole(orders);
      const quiet = await shopSellingARole(1);

      // Each shop's role jobs are in its lane, not graphile-worker jobs.
      const inLanes = await db.$queryRaw<{ tenantId: string; n: number }[]>`
        SELECT "tenantId", count(*)::int AS n FROM lane_jobs WHERE lane = 'discord-roles' GROUP BY "tenantId"`;
      expect(new Map(inLanes.map((l) => [l.tenantId, l.n]))).toEqual(
        new Map([
          [busy.tenant.id, orders],
          [quiet.tenant.id, 1],
        ]),
      );

      worker = await startWorker({
        connectionString: testDatabaseUrl(),
        bus: t.services.bus,
        logger: t.services.logger,
        concurrency: CONCURRENCY,
        pollIntervalMs: 50,
      });
      await waitFor('every role', async () => roleCalls(busy.guildId).length === orders && roleCalls(quiet.guildId).length === 1, {
        timeoutMs: 90_000,
        intervalMs: 100,
      });
      // The first moment the busy server's second window opened (its role change after the first LIMIT).
      const secondWindow = roleCalls(busy.guildId)[LIMIT]!.at;

      // Every customer's "paid" DM arrived before it, and so did the other shop's role.
      await waitFor('every DM', async () => discord.directMessages().length === orders + 1, { timeoutMs: 30_000, intervalMs: 50 });
      expect(Math.max(...discord.directMessages().map((c) => c.at))).toBeLessThan(secondWindow);
      expect(roleCalls(quiet.guildId)[0]!.at).toBeLessThan(secondWindow);

      // The rush's customers got their role once each, in the order they paid (one job at a time, oldest first).
      const users = roleCalls(busy.guildId).map((c) => ROLE_ROUTE.exec(c.path)![2]);
      expect(users).toEqual(busy.customers);
      // No role change went past the bucket: the lane waited for each reset before the next.
      expect(discord.overshoot.filter((o) => ROLE_ROUTE.test(o.path))).toEqual([]);

      // A rate limit is not a failure: every role change is done, on its first counted attempt, nothing failed.
      // (A role reaches Discord before its job records it and leaves the lane: wait for the lanes to empty.)
      await waitFor('the lanes to empty', async () => (await db.laneJob.count()) === 0, { timeoutMs: 30_000, intervalMs: 50 });
      const changes = await db.roleChange.findMany({ where: { tenantId: { in: [busy.tenant.id, quiet.tenant.id] } } });
      expect(changes.map((c) => [c.state, c.attempts, c.failureKind])).toEqual(Array(orders + 1).fill(['DONE', 1, null]));
    },
  );
});
