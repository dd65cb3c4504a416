// A shop's webhook endpoint that takes connections and never answers (a server hung, a firewall dropping
// replies): each delivery attempt waits for the sender's timeout (WEBHOOK_TIMEOUT_MS, default 10 s) on a worker slot.
// Sharing the job worker's slots, a shop with such an endpoint and a few orders a second kept every slot
// waiting, and every shop's DMs, roles and admin posts waited for those timeouts. The deliveries now run on a
// runner of their own (Services.runApart, startJobWorkers): the endpoint holds only those slots. And once it
// has failed three attempts in a row its circuit breaker pauses it (webhook-breaker.ts): its other deliveries'
// attempts are not sent, so other shops' deliveries get the runner's slots.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_DELIVER_TASK } from '../../src/modules/webhooks/webhook-delivery.jobs.js';
import { startJobWorkers, type WorkerHandle } from '../../src/platform/jobs/worker.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminCtx } from '../helpers/actors.js';
import { testDatabaseUrl, testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { FakeDiscordApi } from '../fakes/fake-discord-api.js';
import { waitFor } from '../helpers/wait-for.js';
import { WebhookReceiver } from '../fakes/webhook-receiver.js';
import { BREAKER_THRESHOLD } from '../../src/modules/webhooks/webhook-breaker.js';
import { paidOrders } from './paid-orders.js';

const CONCURRENCY = 4;
const WEBHOOK_CONCURRENCY = 2;

// The sender's timeout where a test needs attempts to time out (the breaker's). Elsewhere the default 10 s: a test
// that shows something happens before any attempt times out needs that margin on a busy machine.
const SHORT_TIMEOUT_MS = 2_000;

let discord: FakeDiscordApi;
let t: TestApp;
/** The same app with the short sender timeout (its worker runs the same jobs, on the same database). */
let quickTimeout: TestApp;
let worker: WorkerHandle | undefined;
const db = testDb();
const f = factories(db);

interface Held {
  socket: Socket;
  openedAt: number;
  closedAt?: number;
}

/** An endpoint that takes connections and never answers; records when each opened and closed (our sender gave up). */
async function silentEndpoint() {
  const held: Held[] = [];
  const server = createServer((socket) => {
    const conn: Held = { socket, openedAt: Date.now() };
    held.push(conn);
    socket.on('close', () => (conn.closedAt = Date.now()));
    socket.resume(); // read (and drop) the request, so the sender's hang-up is seen
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, held, server };
  silent.push(endpoint);
  return endpoint;
}
const silent: { held: Held[]; server: Server }[] = [];

beforeAll(async () => {
  discord = await new FakeDiscordApi().start();
  t = await createTestApp({ env: { DISCORD_API_BASE_URL: discord.apiBase } });
  quickTimeout = await createTestApp({ env: { DISCORD_API_BASE_URL: discord.apiBase, WEBHOOK_TIMEOUT_MS: String(SHORT_TIMEOUT_MS) } });
});
afterEach(async () => {
  // The silent endpoints hang up first (and take no new connection): the worker stops once its running jobs end,
  // and an attempt held open would keep it for the sender's timeout.
  for (const s of silent.splice(0)) {
    s.server.close();
    for (const c of s.held) c.socket.destroy();
  }
  await worker?.stop();
  worker = undefined;
});
afterAll(async () => {
  await t.services.close();
  await quickTimeout.services.close();
  await discord.stop();
});

/**
 * A shop with `orders` paid orders, optionally with a webhook endpoint for them: a URL, or a receiver (which is
 * given the endpoint's signing secret, to verify what it gets). Returns its customers' user ids.
 */
async function shopWithPaidOrders(orders: number, webhook?: string | WebhookReceiver): Promise<string[]> {
  const tenant = await f.tenant();
  const guild = await f.guild({ tenantId: tenant.id });
  if (webhook) {
    const url = typeof webhook === 'string' ? webhook : webhook.url;
    const { secret } = await t.services.webhooks.create(adminCtx(tenant.id), { url, events: ['order.paid'] });
    if (typeof webhook !== 'string') webhook.secret = secret;
  }
  const product = await f.product({ tenantId: tenant.id, unitPriceCents: 1500 });
  return paidOrders(t.services, f, { tenantId: tenant.id, guildId: guild.id, productId: product.id }, orders);
}

const dmsTo = (users: string[]) => discord.directMessages().filter((m) => users.includes(m.userId));

/** The job worker as an instance of `app` starts it (the webhook deliveries on a runner of their own), smaller. */
const startWorkers = (webhookConcurrency = WEBHOOK_CONCURRENCY, app = t) =>
  startJobWorkers({
    connectionString: testDatabaseUrl(),
    bus: app.services.bus,
    logger: app.services.logger,
    concurrency: CONCURRENCY,
    pollIntervalMs: 50,
    apart: app.services.runApart.map((a) => ({ ...a, concurrency: webhookConcurrency })),
  });

/** The most connections the endpoint held open at once. */
function mostHeldAtOnce(held: Held[]): number {
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
    expect(t.env.WEBHOOK_TIMEOUT_MS).toBe(10_000);
    const dead = await silentEndpoint();
    const { held } = dead;
    const busy = await shopWithPaidOrders(6, dead.url);

    worker = await startWorkers();
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

    // Meanwhile the endpoint held no more than the webhook runner's slots (on the worker's shared slots it held all
    // four). Their timeouts, and the deliveries left pending after them, are the next test's (short timeout).
    expect(mostHeldAtOnce(held)).toBeLessThanOrEqual(WEBHOOK_CONCURRENCY);
    const deliveries = await db.webhookDelivery.findMany({ where: { endpoint: { url: dead.url } } });
    expect(deliveries).toHaveLength(6);
    expect(new Set(deliveries.map((d) => d.status))).toEqual(new Set(['PENDING']));
  });
  it(
    "stop taking the runner's slots once the endpoint has failed three attempts in a row: another shop's delivery goes out",
    { timeout: 180_000 },
    async () => {
      expect(quickTimeout.env.WEBHOOK_TIMEOUT_MS).toBe(SHORT_TIMEOUT_MS);
      const dead = await silentEndpoint();
      const receiver = await new WebhookReceiver().start();
      try {
        // Eight deliveries to the dead endpoint, then one of another shop to an endpoint that answers.
        await shopWithPaidOrders(8, dead.url);
        await shopWithPaidOrders(1, receiver);

        worker = await startWorkers(WEBHOOK_CONCURRENCY, quickTimeout);
        await waitFor("the other shop's delivery", async () => receiver.received.length === 1, { timeoutMs: 120_000, intervalMs: 50 });
        const deliveredAt = Date.now();
        // Before it, the dead endpoint got the attempts that tripped its breaker (the third failure in a row) and
        // those already running then: not one attempt of each of its eight deliveries (on the runner's two slots,
        // a timeout each, the other shop's delivery would have waited for all eight).
        const before = dead.held.filter((c) => c.openedAt < deliveredAt);
        expect(before.length).toBeLessThanOrEqual(BREAKER_THRESHOLD + WEBHOOK_CONCURRENCY - 1);
        expect(receiver.received[0]!.verified).toBeTruthy();
        const skipped = await db.webhookAttempt.count({
          where: { delivery: { endpoint: { url: dead.url } }, error: { startsWith: 'not sent: the endpoint failed' } },
        });
        expect(skipped).toBeGreaterThan(0);
        // The endpoint never held more than the webhook runner's slots, through its timeouts; every delivery is
        // still pending, to be retried (a timed-out or unsent attempt is not the last one).
        expect(mostHeldAtOnce(dead.held)).toBeLessThanOrEqual(WEBHOOK_CONCURRENCY);
        const deliveries = await db.webhookDelivery.findMany({ where: { endpoint: { url: dead.url } } });
        expect(deliveries).toHaveLength(8);
        expect(new Set(deliveries.map((d) => d.status))).toEqual(new Set(['PENDING']));
      } finally {
        await receiver.stop();
      }
    },
  );
});

describe('webhook deliveries to an endpoint that answers, slowly', () => {
  it(
    "take at most WEBHOOK_ENDPOINT_CONCURRENCY of the runner's slots: another shop's delivery goes out meanwhile, and no attempt is spent waiting",
    { timeout: 120_000 },
    async () => {
      expect(t.env.WEBHOOK_ENDPOINT_CONCURRENCY).toBe(2);
      const slow = await new WebhookReceiver().start();
      const quick = await new WebhookReceiver().start();
      try {
        // Eight deliveries to an endpoint that answers each request only when the test says so, then one of another
        // shop; the runner has four slots.
        await shopWithPaidOrders(8, slow);
        await shopWithPaidOrders(1, quick);
        slow.hold();

        worker = await startWorkers(4);
        // The other shop's delivery arrives while the slow endpoint still holds its first requests unanswered: it
        // holds two slots, not all four (before the cap it held every slot until the sender's 10 s timeout).
        await waitFor(
          "the other shop's delivery, and two requests held by the slow endpoint",
          async () => quick.received.length === 1 && slow.waiting === 2,
          { timeoutMs: 60_000, intervalMs: 20 },
        );
        expect(quick.received[0]!.verified).toBeTruthy();
        expect(slow.received).toHaveLength(0);
        expect(slow.mostOpenAtOnce).toBe(2);

        // Answered, the slow endpoint gets its other deliveries, still two at a time. A delivery that waited for a
        // slot was not attempted meanwhile: every attempt logged is a request the endpoint answered.
        slow.release();
        const mine = { endpoint: { url: slow.url } };
        await waitFor(
          'every delivery to the slow endpoint',
          async () => (await db.webhookDelivery.count({ where: { ...mine, status: 'SUCCEEDED' } })) === 8,
          { timeoutMs: 60_000, intervalMs: 50 },
        );
        expect(slow.mostOpenAtOnce).toBe(2);
        expect(slow.received).toHaveLength(8);
        expect(slow.received.every((r) => r.verified && r.answered === 200)).toBe(true);
        expect(await db.webhookAttempt.count({ where: { delivery: mine } })).toBe(8);
      } finally {
        slow.release();
        await slow.stop();
        await quick.stop();
      }
    },
  );
});
