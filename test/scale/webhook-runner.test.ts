// A shop's webhook endpoint that takes connections and never answers (a server hung, a firewall dropping
// replies): each delivery attempt waits for the sender's timeout (WEBHOOK_TIMEOUT_MS, 10 s) on a worker slot.
// Sharing the job worker's slots, a shop with such an endpoint and a few orders a second kept every slot
// waiting, and every shop's DMs, roles and admin posts waited for those timeouts. The deliveries now run on a
// runner of their own (Services.runApart, startJobWorkers): the endpoint holds only those slots.
import { createServer, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_DELIVER_TASK } from '../../src/modules/webhooks/webhook-delivery.jobs.js';
import { startJobWorkers, type WorkerHandle } from '../../src/platform/jobs/worker.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminCtx } from '../helpers/actors.js';
import { testDatabaseUrl, testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { FakeDiscordApi } from '../fakes/fake-discord-api.js';
import { waitFor } from '../helpers/wait-for.js';
import { paidOrders } from './paid-orders.js';

const CONCURRENCY = 4;
const WEBHOOK_CONCURRENCY = 2;

let discord: FakeDiscordApi;
let t: TestApp;
let worker: WorkerHandle | undefined;
const db = testDb();
const f = factories(db);

/** Takes connections and never answers; records when each opened and closed (our sender gave up). */
const silent = createServer((socket) => {
  const conn = { socket, openedAt: Date.now(), closedAt: undefined as number | undefined };
  held.push(conn);
  socket.on('close', () => (conn.closedAt = Date.now()));
  socket.resume(); // read (and drop) the request, so the sender's hang-up is seen
  socket.on('error', () => undefined);
});
const held: { socket: Socket; openedAt: number; closedAt?: number }[] = [];

beforeAll(async () => {
  discord = await new FakeDiscordApi().start();
  t = await createTestApp({ env: { DISCORD_API_BASE_URL: discord.apiBase } });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});
afterAll(async () => {
  for (const c of held) c.socket.destroy();
  silent.close();
  await t.services.close();
  await discord.stop();
});

/** A shop with `orders` paid orders (optionally with a webhook endpoint for them); returns its customers' user ids. */
async function shopWithPaidOrders(orders: number, webhookUrl?: string): Promise<string[]> {
  const tenant = await f.tenant();
  const guild = await f.guild({ tenantId: tenant.id });
  if (webhookUrl) await t.services.webhooks.create(adminCtx(tenant.id), { url: webhookUrl, events: ['order.paid'] });
  const product = await f.product({ tenantId: tenant.id, unitPriceCents: 1500 });
  return paidOrders(t.services, f, { tenantId: tenant.id, guildId: guild.id, productId: product.id }, orders);
}

const dmsTo = (users: string[]) => discord.directMessages().filter((m) => users.includes(m.userId));

/** The most connections the endpoint held open at once. */
function mostHeldAtOnce(): number {
  const edges = held.flatMap((c) => [
    { at: c.openedAt, d: 1 },
    { at: c.closedAt ?? Infinity, d: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.d - b.d);
  let open = 0;
  let most = 0;
  for (const e of edges) most = Math.max(most, (open += e.d));
  return most;
}

describe('webhook deliveries to an endpoint that never answers', () => {
  it("hold only the webhook runner's slots: another shop's DMs go out before any of them times out", { timeout: 120_000 }, async () => {
    expect(t.services.runApart.map((a) => a.tasks)).toEqual([[WEBHOOK_DELIVER_TASK]]);
    const port = (silent.address() as { port: number }).port;
    const busy = await shopWithPaidOrders(6, `http://127.0.0.1:${port}/hook`);

    worker = await startJobWorkers({
      connectionString: testDatabaseUrl(),
      bus: t.services.bus,
      logger: t.services.logger,
      concurrency: CONCURRENCY,
      pollIntervalMs: 50,
      apart: t.services.runApart.map((a) => ({ ...a, concurrency: WEBHOOK_CONCURRENCY })),
    });
    // Six deliveries ("paid", six orders) are waiting on the endpoint, as many at once as the webhook runner has
    // slots.
    await waitFor(
      'the busy shop to be waiting on its endpoint',
      async () => held.length >= WEBHOOK_CONCURRENCY && dmsTo(busy).length === busy.length,
      {
        timeoutMs: 30_000,
        intervalMs: 20,
      },
    );

    // Another shop's customers pay meanwhile: their DMs do not wait for the endpoint's timeouts.
    const quiet = await shopWithPaidOrders(2);
    await waitFor("the other shop's DMs", async () => dmsTo(quiet).length === 2, { timeoutMs: 60_000, intervalMs: 20 });
    const lastQuietDm = Math.max(...dmsTo(quiet).map((c) => c.at));
    const firstTimeout = Math.min(...held.map((c) => c.closedAt ?? Infinity));
    expect(lastQuietDm).toBeLessThan(firstTimeout);

    // The endpoint never held more than the webhook runner's slots; every delivery still pending, to be retried.
    await waitFor('a first timeout', async () => held.some((c) => c.closedAt !== undefined), { timeoutMs: 30_000, intervalMs: 50 });
    expect(mostHeldAtOnce()).toBeLessThanOrEqual(WEBHOOK_CONCURRENCY);
    const deliveries = await db.webhookDelivery.findMany({ where: { endpoint: { url: { contains: `:${port}/` } } } });
    expect(deliveries).toHaveLength(6);
    expect(new Set(deliveries.map((d) => d.status))).toEqual(new Set(['PENDING']));
  });
});
