// Two instances on one database (two containers, each with its own pool, job worker and Discord REST
// client), one fake Discord API: an order storm where every session is submitted through both instances at
// once, for fewer units than sessions. Exactly as many orders as units; each order posts one admin-channel
// message and one customer DM, whichever instance's worker ran the job: no side effect is duplicated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type WorkerHandle } from '../../src/platform/jobs/worker.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { testDatabaseUrl, testDb } from '../helpers/db.js';
import { factories, snowflake } from '../helpers/factories.js';
import { FakeDiscordApi } from '../fakes/fake-discord-api.js';
import { readySessionsDirect } from '../modules/orders/ready-sessions.js';

const UNITS = 12;
const SESSIONS = 30;
let discord: FakeDiscordApi;
const instances: TestApp[] = [];
const workers: WorkerHandle[] = [];

beforeAll(async () => {
  discord = await new FakeDiscordApi().start();
  for (let i = 0; i < 2; i++) {
    const t = await createTestApp({ env: { DISCORD_API_BASE_URL: discord.apiBase, DATABASE_POOL_SIZE: '5' } });
    instances.push(t);
    workers.push(await startWorker({ connectionString: testDatabaseUrl(), bus: t.services.bus, logger: t.services.logger, concurrency: 2, pollIntervalMs: 50 }));
  }
});
afterAll(async () => {
  for (const w of workers) await w.stop();
  for (const t of instances) await t.services.close();
  await discord?.stop();
});

async function until(what: string, probe: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('two instances, one database', () => {
  it('an order storm through both makes one order per unit and one notification of each kind per order', { timeout: 180_000 }, async () => {
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
    const refusals = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason?.code);
    expect(new Set(refusals)).toEqual(new Set(['OUT_OF_STOCK']));
    const orders = await db.order.findMany({ where: { tenantId: tenant.id }, include: { customer: true } });
    expect(orders).toHaveLength(UNITS);
    expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(0);

    // Both workers drain the queue; each job runs once.
    const pending = async () => Number((await db.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
        WHERE t.identifier LIKE 'order.created>%' AND j.payload->>'tenantId' = $1`, tenant.id))[0]!.n);
    await until('the notification jobs to finish', async () => (await pending()) === 0);

    const adminPosts = discord.find('POST', new RegExp(`^/channels/${adminChannelId}/messages$`));
    expect(adminPosts).toHaveLength(UNITS);
    const dms = discord.directMessages();
    const dmsPerCustomer = new Map<string, number>();
    for (const m of dms) dmsPerCustomer.set(m.userId, (dmsPerCustomer.get(m.userId) ?? 0) + 1);
    expect(new Set(dmsPerCustomer.keys())).toEqual(new Set(orders.map((o) => o.customer.discordUserId)));
    expect([...dmsPerCustomer.values()].every((n) => n === 1)).toBe(true);
    // Every admin message names a different order.
    const numbers = adminPosts.map((c) => JSON.stringify(c.body).match(/#(\d{4,})/)?.[1]);
    expect(new Set(numbers).size).toBe(UNITS);
  });
});
