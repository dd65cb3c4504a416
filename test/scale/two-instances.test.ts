// Two instances on one database (two containers, each with its own pool, job worker and Discord REST
// client), one fake Discord API that enforces Discord's per-channel message rate limit (5 per second here):
// an order storm where every session is submitted through both instances at once, for fewer units than
// sessions. Exactly as many orders as units; each order posts one admin-channel message and one customer DM,
// whichever instance's worker ran the job: no side effect is duplicated.
// Rate limits (docs/scaling.md, "Discord rate limits with several instances"): the fake counts every request
// that arrived past its bucket's limit (it answers those 429, as Discord would, and they count toward the
// bot's invalid-request ban). Directly, each instance learns the shared bucket only from its own answers, so
// some requests overshoot; the documented bound is at most one per instance per bucket window (two in a
// bucket's first window, while a client still learns the bucket). Through one @discordjs/proxy, none.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REST } from '@discordjs/rest';
import { proxyRequests } from '@discordjs/proxy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overshoot } from '../../src/dev/fake-discord-api.js';
import { startWorker, type WorkerHandle } from '../../src/platform/jobs/worker.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { testDatabaseUrl, testDb } from '../helpers/db.js';
import { factories, snowflake } from '../helpers/factories.js';
import { FakeDiscordApi } from '../fakes/fake-discord-api.js';
import { readySessionsDirect } from '../modules/orders/ready-sessions.js';
import { waitFor } from '../helpers/wait-for.js';

const UNITS = 12;
const SESSIONS = 30;
const INSTANCES = 2;
/** Discord's message bucket is 5 per 5 s per channel; 5 per second keeps the test short. */
const MESSAGES_PER_WINDOW = 5;
const WINDOW_MS = 1000;

interface Cluster {
  discord: FakeDiscordApi;
  instances: TestApp[];
  workers: WorkerHandle[];
  proxy?: Server;
}
const clusters: Cluster[] = [];

async function startCluster(opts: { viaProxy: boolean }): Promise<Cluster> {
  const discord = await new FakeDiscordApi().start();
  discord.rateLimit({ method: 'POST', path: /^\/channels\/(\d+)\/messages$/, limit: MESSAGES_PER_WINDOW, windowMs: WINDOW_MS });
  const cluster: Cluster = { discord, instances: [], workers: [] };
  clusters.push(cluster);
  let env: Record<string, string> = { DISCORD_API_BASE_URL: discord.apiBase, DATABASE_POOL_SIZE: '5' };
  if (opts.viaProxy) {
    // The proxy as docker-compose runs it: one REST client (the only bucket state) in front of Discord; the
    // instances' bot token passes through.
    cluster.proxy = createServer(proxyRequests(new REST({ api: discord.apiBase, version: '10', retries: 1 })));
    await new Promise<void>((r) => cluster.proxy!.listen(0, '127.0.0.1', r));
    env = { ...env, DISCORD_REST_PROXY_URL: `http://127.0.0.1:${(cluster.proxy.address() as AddressInfo).port}` };
  }
  for (let i = 0; i < INSTANCES; i++) {
    const t = await createTestApp({ env });
    cluster.instances.push(t);
    cluster.workers.push(
      await startWorker({
        connectionString: testDatabaseUrl(),
        bus: t.services.bus,
        logger: t.services.logger,
        concurrency: 2,
        pollIntervalMs: 50,
      }),
    );
  }
  return cluster;
}

/** Stopped before the next cluster starts: its workers would otherwise take the next storm's jobs. */
async function stopCluster(c: Cluster): Promise<void> {
  for (const w of c.workers.splice(0)) await w.stop();
  for (const t of c.instances.splice(0)) await t.services.close();
  await new Promise<void>((r) => (c.proxy ? c.proxy.close(() => r()) : r()));
  c.proxy = undefined;
  await c.discord.stop();
}

afterAll(async () => {
  for (const c of clusters) await stopCluster(c);
});

/** Overshoot per bucket window: "bucket#window" -> requests past the limit. */
function perWindow(overshoot: Overshoot[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const o of overshoot) counts.set(`${o.bucket}#${o.window}`, (counts.get(`${o.bucket}#${o.window}`) ?? 0) + 1);
  return counts;
}

/** The storm through both instances of `cluster`, then the side-effect checks; returns the fake's overshoot. */
async function storm(cluster: Cluster): Promise<{ overshoot: Overshoot[]; adminChannelId: string }> {
  const { discord, instances } = cluster;
  const db = testDb();
  const f = factories(db);
  const adminChannelId = snowflake();
  const tenant = await f.tenant({ adminChannelId });
  const guild = await f.guild({ tenantId: tenant.id });
  const shippingType = await f.shippingType({ tenantId: tenant.id, priceCents: 500, name: 'Standard' });
  const product = await f.product({ tenantId: tenant.id, unitPriceCents: 2500, trackStock: true, stock: UNITS });
  const sessions = await readySessionsDirect(db, { tenant, guild, shippingType, product }, SESSIONS);

  // Every session submitted through both instances at the same moment.
  const results = await Promise.allSettled(
    sessions.flatMap((s) => instances.map((t) => t.services.orders.submit(tenant.id, s.customerId, { memberRoleIds: [] }))),
  );
  const refusals = results
    .filter((r) => r.status === 'rejected')
    .map((r) => {
      const reason = (r as PromiseRejectedResult).reason as { code?: string; message?: string } | undefined;
      return reason?.code ?? `no code: ${reason?.message}`;
    });
  expect(new Set(refusals)).toEqual(new Set(['OUT_OF_STOCK']));
  const orders = await db.order.findMany({ where: { tenantId: tenant.id }, include: { customer: true } });
  expect(orders).toHaveLength(UNITS);
  expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(0);

  // Both workers drain the queue and the shop's admin-channel lane; each job runs once.
  const pending = async () =>
    Number(
      (
        await db.$queryRawUnsafe<{ n: number }[]>(
          `SELECT (SELECT count(*)::int FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
            WHERE t.identifier LIKE 'order.created>%' AND j.payload->>'tenantId' = $1)
          + (SELECT count(*)::int FROM lane_jobs WHERE "tenantId" = $1) AS n`,
          tenant.id,
        )
      )[0]!.n,
    );
  await waitFor('the notification jobs to finish', async () => (await pending()) === 0, { timeoutMs: 120_000, intervalMs: 100 });

  // Each admin message posted once (a 429'd attempt is retried by the client, not duplicated).
  const adminPosts = discord.find('POST', new RegExp(`^/channels/${adminChannelId}/messages$`)).filter((c) => c.status === 200);
  expect(adminPosts).toHaveLength(UNITS);
  const dms = discord.directMessages();
  const dmsPerCustomer = new Map<string, number>();
  for (const m of dms) dmsPerCustomer.set(m.userId, (dmsPerCustomer.get(m.userId) ?? 0) + 1);
  expect(new Set(dmsPerCustomer.keys())).toEqual(new Set(orders.map((o) => o.customer.discordUserId)));
  expect([...dmsPerCustomer.values()].every((n) => n === 1)).toBe(true);
  // Every admin message names a different order.
  const numbers = adminPosts.map((c) => JSON.stringify(c.body).match(/#(\d{4,})/)?.[1]);
  expect(new Set(numbers).size).toBe(UNITS);
  return { overshoot: [...discord.overshoot], adminChannelId };
}

describe('two instances, one database', () => {
  describe('each instance calling Discord directly', () => {
    let cluster: Cluster;
    beforeAll(async () => {
      cluster = await startCluster({ viaProxy: false });
    });
    afterAll(async () => {
      await stopCluster(cluster);
    });

    it(
      'an order storm makes one order per unit and one notification of each kind per order; rate-limit overshoot stays within the bound',
      { timeout: 450_000 },
      async () => {
        const { overshoot, adminChannelId } = await storm(cluster);
        // The admin channel took 12 messages at 5 per window: at least three windows, every one limited.
        const windows = perWindow(overshoot);
        console.info(
          `rate-limit overshoot without the proxy: ${overshoot.length} request(s) past the limit in ${windows.size} bucket window(s) (${JSON.stringify(Object.fromEntries(windows))})`,
        );
        for (const [key, n] of windows) {
          const first = key.endsWith('#0');
          expect(n, key).toBeLessThanOrEqual(first ? 2 * INSTANCES : INSTANCES);
        }
        // Only the contended bucket (the admin channel) can overshoot; each DM channel gets one message.
        expect(overshoot.every((o) => o.path === `/channels/${adminChannelId}/messages`)).toBe(true);
      },
    );
  });

  describe('both instances through one @discordjs/proxy', () => {
    let cluster: Cluster;
    beforeAll(async () => {
      cluster = await startCluster({ viaProxy: true });
    });
    afterAll(async () => {
      await stopCluster(cluster);
    });

    it('the same storm sends no request past any rate limit', { timeout: 450_000 }, async () => {
      const { overshoot } = await storm(cluster);
      console.info(`rate-limit overshoot through the proxy: ${overshoot.length}`);
      expect(overshoot).toEqual([]);
      // Every call reached Discord through the proxy (the fake saw the instances' bot token on each).
      expect(cluster.discord.calls.every((c) => String(c.headers.authorization).startsWith('Bot '))).toBe(true);
    });
  });
});
