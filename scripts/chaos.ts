// npm run chaos — the fault suite. Everything on loopback, bounded in time.
//
// Starts a throw-away PostgreSQL, a fake Discord API (its real wire format, honouring enforce_nonce), and
// TWO instances of the real service (src/main.ts) on that one database. Then, for --seconds, it drives
// customers through the Discord /order flow (signed interactions, 8 steps), approvals through the admin
// button, and refunds through REST (Idempotency-Key, some sent twice), against either instance, while it
// SIGKILLs an instance (and starts it again), terminates database backends, and restarts PostgreSQL.
// A client retries a step that failed on a fault, as a person or an integrator would.
// Afterwards it drains the jobs and checks the invariants; prints the faults injected and the violations.
// Exit code 1 when there is a violation or a process exit it did not cause.
//
//   npm run chaos -- --seconds 120 --customers 40 --kills 10 --terminations 10 --restarts 2
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { FakeDiscordApi } from '../src/dev/fake-discord-api.js';
import { createApiKeyService } from '../src/modules/api-keys/api-key.service.js';
import { createAuditService } from '../src/modules/audit/audit.service.js';
import { systemClock } from '../src/platform/clock.js';
import { migrate } from '../src/platform/db/migrate.js';
import { createPrisma } from '../src/platform/db/prisma.js';
import { LANE_DRAIN_TASK } from '../src/platform/jobs/lanes.js';
import { migrateJobQueue } from '../src/platform/jobs/worker.js';
import { DEMO, seedDemo } from '../src/seed/demo-seed.js';
import { call, startService, throwAwayPostgres, type ServiceProcess } from './chaos-lib.js';
import { describeBacklog, dueJobs, laneBacklog } from './lib/job-backlog.js';

const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: '120' },
    customers: { type: 'string', default: '40' },
    kills: { type: 'string', default: '10' },
    terminations: { type: 'string', default: '10' },
    restarts: { type: 'string', default: '2' },
    /** Seconds after which a silent job worker counts as dead (the service's JOB_WORKER_STALE_SECONDS). */
    'stale-seconds': { type: 'string', default: '60' },
    'drain-seconds': { type: 'string', default: '150' },
  },
});
const SECONDS = Number(opts.seconds);
const CUSTOMERS = Number(opts.customers);
const KILLS = Number(opts.kills);
const TERMINATIONS = Number(opts.terminations);
const RESTARTS = Number(opts.restarts);
const DRAIN_SECONDS = Number(opts['drain-seconds']);
const APP_ID = '100000000000000099';
const STOCK = 100_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A read by the driver itself, retried through the faults it injects (for up to a minute). */
async function retryRead<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      if (attempt >= 120) throw err;
      await sleep(500);
    }
  }
}
const log = (m: string) => process.stdout.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

// ------------------------------------------------------------------ signed interactions

function signer(key: KeyObject) {
  return (body: string) => {
    const timestamp = Math.floor(Date.now() / 1000).toString();
    return {
      'content-type': 'application/json',
      'x-signature-timestamp': timestamp,
      'x-signature-ed25519': sign(null, Buffer.from(timestamp + body), key).toString('hex'),
    };
  };
}
let snow = BigInt(Date.now() - 1420070400000) << 22n;
const snowflake = () => (snow += 1n).toString();
const flowMessage = {
  id: '1',
  channel_id: '1',
  flags: 64,
  components: [{ type: 1, components: [{ type: 2, custom_id: 'order:cancel', label: 'Cancel', style: 4 }] }],
};

function interaction(userId: string, type: number, data: unknown, roles: string[] = [], message: unknown = flowMessage) {
  const user = { id: userId, username: `chaos${userId.slice(-6)}`, global_name: null, discriminator: '0', avatar: null };
  return JSON.stringify({
    id: snowflake(),
    application_id: APP_ID,
    type,
    token: `chaos_${snowflake()}`,
    version: 1,
    guild_id: DEMO.guildId,
    channel_id: '100000000000000020',
    member: { user, roles, permissions: '0', joined_at: '2026-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 },
    app_permissions: '0',
    locale: 'en-US',
    data,
    ...(type === 2 ? {} : { message }),
  });
}

const STEPS = [
  '/order',
  'product-select',
  'qty-modal',
  'address:new',
  'address-modal',
  'shipping-select',
  'payment-select',
  'confirm',
] as const;
function stepBody(step: number, userId: string, ids: { productId: string; shippingTypeId: string }): string {
  switch (STEPS[step]) {
    case '/order':
      return interaction(userId, 2, { id: '1', name: 'order', type: 1 });
    case 'product-select':
      return interaction(userId, 3, { custom_id: 'order:product-select', component_type: 3, values: [ids.productId] });
    case 'qty-modal':
      return interaction(userId, 5, {
        custom_id: `order:qty-modal:${ids.productId}`,
        components: [{ type: 1, components: [{ type: 4, custom_id: 'quantity', value: '1' }] }],
      });
    case 'address:new':
      return interaction(userId, 3, { custom_id: 'order:address:new', component_type: 2 });
    case 'address-modal':
      return interaction(userId, 5, {
        custom_id: 'order:address:modal',
        components: [
          ['line1', '1 Chaos St'],
          ['line2', ''],
          ['city', 'Springfield'],
          ['state', 'IL'],
          ['postal_country', '62701 US'],
        ].map(([k, v]) => ({ type: 1, components: [{ type: 4, custom_id: k, value: v }] })),
      });
    case 'shipping-select':
      return interaction(userId, 3, { custom_id: 'order:shipping-type-select', component_type: 3, values: [ids.shippingTypeId] });
    case 'payment-select':
      return interaction(userId, 3, { custom_id: 'order:payment-method-select', component_type: 3, values: ['VENMO_P2P'] });
    default:
      return interaction(userId, 3, { custom_id: 'order:confirm', component_type: 2 });
  }
}

/**
 * A deferred answer (type 5 or 6) is only an acknowledgement: the real answer is the follow-up the service
 * sends to Discord for that interaction token (PATCH @original, or a follow-up POST). The step's outcome is that
 * follow-up, read from the fake Discord API; none within 20 s (the instance died while handling it) counts as
 * unanswered, so the customer clicks again, as a person would.
 */
async function settleDeferred(
  fake: FakeDiscordApi,
  sent: string,
  res: { status: number; body: string; headers: Headers },
): Promise<{ status: number; body: string; headers: Headers }> {
  if (res.status !== 200) return res;
  let type: unknown;
  try {
    type = (JSON.parse(res.body) as { type?: unknown }).type;
  } catch {
    return res;
  }
  if (type !== 5 && type !== 6) return res;
  const { token } = JSON.parse(sent) as { token: string };
  const prefix = `/webhooks/${APP_ID}/${token}`;
  try {
    const followUp = await fake.waitFor((c) => (c.method === 'PATCH' || c.method === 'POST') && c.path.startsWith(prefix), 20_000);
    return { ...res, body: JSON.stringify(followUp.body) };
  } catch {
    return { ...res, status: 504, body: 'the deferred answer never came' };
  }
}

/** A step answered normally: HTTP 200 and not an error embed ("Busy for a moment", "Something went wrong"). */
function stepOk(status: number, body: string): boolean {
  if (status !== 200) return false;
  return !/"title":"(Busy for a moment|Something went wrong)"/.test(body);
}

// ------------------------------------------------------------------ main

interface Counters {
  [k: string]: number;
}

async function main(): Promise<void> {
  const started = Date.now();
  const faults: Counters = {
    'instance SIGKILL (then restarted)': 0,
    'backend terminations (pg_terminate_backend)': 0,
    'PostgreSQL restarts': 0,
  };
  const traffic: Counters = {
    'interaction steps sent': 0,
    'steps retried after a fault': 0,
    'orders submitted': 0,
    approvals: 0,
    'refund calls': 0,
    'refunds confirmed': 0,
    'refund replays (same key)': 0,
  };
  const violations: string[] = [];

  const db = await throwAwayPostgres();
  const fake = await new FakeDiscordApi().start();
  const instances: ServiceProcess[] = [];
  try {
    await migrate(db.url);
    await migrateJobQueue(db.url);
    const prisma = createPrisma(db.url, 3);
    await seedDemo(prisma);
    const tenant = await prisma.tenant.findFirstOrThrow();
    // The badge grants a role; tracked stock, so the stock invariant is exercised.
    const product = await prisma.product.update({
      where: { tenantId_sku: { tenantId: tenant.id, sku: 'BADGE-001' } },
      data: { trackStock: true, stock: STOCK },
    });
    const shipping = await prisma.shippingType.findFirstOrThrow({ where: { tenantId: tenant.id }, orderBy: { sortOrder: 'asc' } });
    const apiKeys = createApiKeyService({ db: prisma, clock: systemClock, audit: createAuditService({ db: prisma }) });
    const { key } = await apiKeys.create(
      { tenantId: tenant.id, actor: { type: 'SYSTEM', id: null, label: 'chaos' } } as never,
      'chaos',
      'READ_WRITE',
    );
    const ids = { productId: product.id, shippingTypeId: shipping.id };

    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const env = {
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      DISCORD_PUBLIC_KEY: Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('hex'),
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_BOT_TOKEN: 'chaos-bot-token-not-a-real-token',
      DISCORD_API_BASE_URL: fake.apiBase,
      SESSION_SECRET: randomBytes(32).toString('hex'),
      INVOICE_LINK_SIGNING_SECRET: randomBytes(32).toString('hex'),
      COOKIE_SECURE: 'false',
      JOB_WORKER_STALE_SECONDS: opts['stale-seconds']!,
      DATABASE_ACQUIRE_TIMEOUT_MS: '2000',
      WORKER_CONCURRENCY: '4',
      RATE_LIMIT_API_PER_MINUTE: '100000',
      DATABASE_POOL_SIZE: '8',
      // The member-events gateway is not under test here (test/modules/entitlements/member-gateway.test.ts is).
      DISCORD_GATEWAY_ENABLED: 'false',
      SECRETS_ENCRYPTION_KEYS: `chaos:${randomBytes(32).toString('base64')}`,
    };
    const start = (i: number) => startService(`instance-${i}`, env);
    instances.push(await start(0), await start(1));
    const sign = signer(privateKey);
    log(`two instances up (${instances.map((s) => s.baseUrl).join(', ')}); driving ${CUSTOMERS} customers for ${SECONDS}s`);

    const live = () => instances.filter((s) => s.child.exitCode === null && s.child.signalCode === null);
    const pick = () => {
      const l = live();
      return l[Math.floor(Math.random() * l.length)];
    };
    const trafficStart = Date.now();
    const deadline = trafficStart + SECONDS * 1000;
    let lastFaultAt = Date.now();

    type Answer = { status: number; body: string; headers: Headers };
    /** The last answer `until` got before it gave up, for a violation's message (keyed by what was sent). */
    const lastRefused = new WeakMap<object, string>();
    /**
     * Sends until answered normally (a person clicking again), bounded by the run's end or, for a step sent after
     * it (a slow machine gets there late), the step's own start, plus a grace: a step reached late gets the same
     * time as one reached early. Gives up with undefined; `lastRefused` then has the last answer for `send`.
     */
    async function until(
      send: (base: string) => Promise<Answer>,
      okFn: (s: number, b: string) => boolean,
      graceMs = 60_000,
    ): Promise<Answer | undefined> {
      const giveUpAt = Math.max(deadline, Date.now()) + graceMs;
      let last = '(nothing sent: no instance up)';
      for (let attempt = 0; Date.now() < giveUpAt; attempt++) {
        const target = pick();
        if (!target) {
          await sleep(200);
          continue;
        }
        const r = await send(target.baseUrl);
        if (okFn(r.status, r.body)) return r;
        last = `${r.status} ${r.body.slice(0, 200)}`;
        traffic['steps retried after a fault']! += 1;
        await sleep(300 + Math.random() * 400);
      }
      lastRefused.set(send, last);
      return undefined;
    }
    const lastAnswer = (send: object) => lastRefused.get(send) ?? '(none)';

    // --- the customers
    const customer = async (n: number) => {
      const userId = `5${String(n).padStart(17, '0')}`;
      let last: { body: string } | undefined;
      for (let step = 0; step < STEPS.length; step++) {
        const body = () => stepBody(step, userId, ids);
        traffic['interaction steps sent']! += 1;
        const send = async (base: string) => {
          const b = body();
          return settleDeferred(fake, b, await call(`${base}/discord/interactions`, { method: 'POST', headers: sign(b), body: b }));
        };
        const r = await until(send, stepOk);
        if (!r) {
          violations.push(`customer ${n}: step ${STEPS[step]} was never answered (last: ${lastAnswer(send)})`);
          return;
        }
        last = r;
      }
      traffic['orders submitted']! += 1;
      // The admin approves the payment with the button on the admin embed.
      // The driver's own reads meet the same faults: retried (they are not what is being tested).
      const order = await retryRead(() =>
        prisma.order.findFirst({ where: { tenantId: tenant.id, customer: { discordUserId: userId } }, include: { payments: true } }),
      );
      if (!order) log(`customer ${n}: confirm answered ${JSON.stringify(last?.body ?? '').slice(0, 300)}`);
      const payment = order?.payments[0];
      if (!order || !payment) {
        violations.push(`customer ${n}: the order it submitted is not in the database with a payment`);
        return;
      }
      const approve = () =>
        interaction('300000000000000001', 3, { custom_id: `payment:approve:${payment.id}`, component_type: 2 }, [DEMO.adminRoleId], {
          id: '2',
          channel_id: DEMO.adminChannelId,
          flags: 0,
          components: [],
        });
      const sendApproval = (base: string) => {
        const b = approve();
        return call(`${base}/discord/interactions`, { method: 'POST', headers: sign(b), body: b });
      };
      if (!(await until(sendApproval, stepOk))) {
        violations.push(`order #${order.number}: the approval was never answered (last: ${lastAnswer(sendApproval)})`);
        return;
      }
      traffic.approvals! += 1;
      // Half the orders are refunded in full through REST, some sent twice with the same key.
      if (n % 2 === 0) {
        const keyHeader = `chaos-refund-${order.id}`;
        const refund = (base: string) =>
          call(`${base}/api/orders/${order.id}/refunds`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': keyHeader },
            body: '{}',
          });
        traffic['refund calls']! += 1;
        // Retried with the same key until it answers 201: a first attempt cut off by a kill leaves its key
        // "in use" (409) until the claim is taken over (idempotency.ts), so this may take a minute.
        const first = await until(refund, (s) => s === 201, 150_000);
        if (!first) {
          violations.push(`refund of order #${order.number} never succeeded (last: ${lastAnswer(refund)})`);
          return;
        }
        traffic['refunds confirmed']! += 1;
        if (n % 4 === 0) {
          traffic['refund replays (same key)']! += 1;
          const again = await until(refund, (s) => s === 201, 150_000);
          if (
            !again ||
            again.headers.get('idempotent-replayed') !== 'true' ||
            JSON.parse(again.body).refund?.id !== JSON.parse(first.body).refund?.id
          ) {
            violations.push(`refund replay for order #${order.number} did not return the first refund`);
          }
        }
      }
    };

    // --- the faults, spread over the run
    const faultsDone = (async () => {
      const plan: Array<'kill' | 'term' | 'restart'> = [
        ...Array(KILLS).fill('kill'),
        ...Array(TERMINATIONS).fill('term'),
        ...Array(RESTARTS).fill('restart'),
      ];
      plan.sort(() => Math.random() - 0.5);
      // On a schedule across 85% of the run; every planned fault is injected even if the schedule slips.
      const gap = (SECONDS * 1000 * 0.85) / Math.max(1, plan.length);
      for (const [i, fault] of plan.entries()) {
        await sleep(Math.max(0, trafficStart + 3_000 + i * gap * (0.8 + Math.random() * 0.4) - Date.now()));
        if (fault === 'kill') {
          const i = Math.floor(Math.random() * instances.length);
          await instances[i]!.kill('SIGKILL');
          faults['instance SIGKILL (then restarted)']! += 1;
          log(`SIGKILL ${instances[i]!.name}`);
          instances[i] = await start(i).catch(async () => {
            await sleep(2000);
            return start(i);
          });
        } else if (fault === 'term') {
          const n = await db.terminateBackends().catch(() => 0);
          faults['backend terminations (pg_terminate_backend)']! += 1;
          log(`terminated ${n} backends`);
        } else {
          await db.stop();
          log('PostgreSQL stopped');
          await sleep(2000);
          await db.start();
          faults['PostgreSQL restarts']! += 1;
          log('PostgreSQL started again');
        }
        lastFaultAt = Date.now();
      }
    })();

    // Customers arrive over the first 70% of the run.
    const spread = (SECONDS * 1000 * 0.7) / CUSTOMERS;
    const runs: Promise<void>[] = [];
    for (let n = 1; n <= CUSTOMERS; n++) {
      runs.push(
        customer(n).catch((err: Error) => {
          violations.push(`customer ${n} crashed the driver: ${err.message}`);
        }),
      );
      await sleep(spread);
    }
    await Promise.all(runs);
    await faultsDone;
    // The window opens at the last fault, or at the last step when the traffic went on longer: a customer can be
    // kept past the faults on purpose (a refund whose claim a killed instance held answers 409 until the claim
    // is taken over, a minute later), and the jobs its late steps queue need their own window.
    const drainFrom = Math.max(lastFaultAt, Date.now());
    const from =
      drainFrom === lastFaultAt ? 'the last fault' : `the last step, ${Math.round((drainFrom - lastFaultAt) / 1000)}s after the last fault`;
    log(`traffic done; draining jobs (at most ${DRAIN_SECONDS}s after ${from})`);

    // --- drain: every job done (or given up) within the window
    const c = new pg.Client({ connectionString: db.url });
    c.on('error', () => undefined);
    await c.connect();
    const drainDeadline = drainFrom + DRAIN_SECONDS * 1000;
    let pending = -1;
    while (Date.now() < drainDeadline) {
      // Scheduled-for-later jobs are not a backlog; the shops' lanes are (lib/job-backlog.ts).
      pending = (await dueJobs(c)) + (await laneBacklog(c));
      if (pending === 0) break;
      await sleep(1000);
    }
    const drainedIn = Math.round((Date.now() - drainFrom) / 1000);
    if (pending !== 0)
      violations.push([`${pending} job(s) still pending ${DRAIN_SECONDS}s after ${from}:`, ...(await describeBacklog(c))].join('\n      '));
    // A lane's drain that gave up is not work given up: graphile-worker marks a running drain as on its last
    // attempt when a newer one takes its key, so one killed or cut off then shows as given up, and the lane
    // sweep deletes it within a minute. The lanes' own jobs are counted in `pending` above.
    const failedJobs = (
      await c.query<{ task: string; last_error: string }>(
        `SELECT t.identifier AS task, left(j.last_error, 200) AS last_error FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE j.attempts >= j.max_attempts AND t.identifier <> $1`,
        [LANE_DRAIN_TASK],
      )
    ).rows;
    for (const j of failedJobs) violations.push(`job ${j.task} gave up: ${j.last_error}`);
    const failedLaneJobs = (
      await c.query<{ task: string; last_error: string }>(
        `SELECT task, left("lastError", 200) AS last_error FROM lane_jobs WHERE "failedAt" IS NOT NULL`,
      )
    ).rows;
    for (const j of failedLaneJobs) violations.push(`lane job ${j.task} gave up: ${j.last_error}`);

    // --- invariants
    const q = async <T extends pg.QueryResultRow>(sql: string) => (await c.query<T>(sql)).rows;
    for (const r of await q<{ id: string }>(
      `SELECT o.id FROM orders o WHERE NOT EXISTS (SELECT 1 FROM payments p WHERE p."orderId" = o.id)`,
    ))
      violations.push(`order ${r.id} has no payment`);
    const [stock] = await q<{ stock: number; held: number }>(
      `SELECT p.stock, COALESCE((SELECT sum(quantity - "releasedQuantity") FROM inventory_reservations r WHERE r."productId" = p.id), 0)::int AS held FROM products p WHERE p.id = '${product.id}'`,
    );
    if (stock!.stock !== STOCK - stock!.held)
      violations.push(`stock ${stock!.stock} != initial ${STOCK} - live reservations ${stock!.held}`);
    for (const r of await q<{ id: string }>(`SELECT id FROM orders WHERE "refundedTotalCents" > "totalCents"`))
      violations.push(`order ${r.id} refunded above its total`);
    for (const r of await q<{ id: string }>(`SELECT id FROM payments WHERE "refundedAmountCents" > "amountCents"`))
      violations.push(`payment ${r.id} refunded above its amount`);
    for (const r of await q<{ k: string; n: number }>(
      `SELECT "idempotencyKey" AS k, count(*)::int AS n FROM refunds WHERE "idempotencyKey" IS NOT NULL GROUP BY "tenantId", "idempotencyKey" HAVING count(*) > 1`,
    ))
      violations.push(`${r.n} refunds for idempotency key ${r.k}`);

    const orders = await q<{ id: string; number: number; status: string; user: string; refunds: number }>(
      `SELECT o.id, o.number, o.status, c."discordUserId" AS user, (SELECT count(*)::int FROM refunds r WHERE r."orderId" = o.id) AS refunds FROM orders o JOIN customers c ON c.id = o."customerId"`,
    );
    const dms = fake.directMessages();
    const adminPosts = fake.calls.filter(
      (x) => x.method === 'POST' && x.path === `/channels/${DEMO.adminChannelId}/messages` && (x.status ?? 0) < 300 && !x.deduplicated,
    );
    const roleCalls = (method: string, user: string) =>
      fake.calls.filter(
        (x) =>
          x.method === method &&
          x.path === `/guilds/${DEMO.guildId}/members/${user}/roles/${DEMO.supporterRoleId}` &&
          (x.status ?? 0) < 300,
      ).length;
    let repeatedRoleCalls = 0;
    for (const o of orders) {
      const mine = dms.filter((d) => d.userId === o.user);
      // By the DM's title ("<shop>: order #N received"), not by words its body may also use ("a receipt by DM").
      const created = mine.filter((d) =>
        ((d.body as { embeds?: { title?: string }[] }).embeds ?? []).some((e) => e.title?.endsWith(`order #${o.number} received`)),
      ).length;
      // Never twice; once for an order still waiting for payment. An order paid or cancelled before its DM's job ran
      // gets its receipt or cancellation instead ("order received ... Please pay" would contradict it): 0 is right then.
      if (created > 1 || (o.status === 'PENDING_PAYMENT' && created !== 1))
        violations.push(`order #${o.number} (${o.status}): ${created} order-created DMs`);
      const posts = adminPosts.filter(
        (p) => JSON.stringify(p.body).includes(`#${o.number}`) && !JSON.stringify(p.body).includes('not reached'),
      ).length;
      if (posts !== 1) violations.push(`order #${o.number}: ${posts} admin posts`);
      const paid = o.status !== 'PENDING_PAYMENT' && o.status !== 'CANCELLED';
      const grants = roleCalls('PUT', o.user);
      const revokes = roleCalls('DELETE', o.user);
      // A refund that came before the grant job ran revokes the entitlement first; the grant job then (rightly)
      // grants nothing. What must hold: a paid, unrefunded order has its role; a refunded one does not keep it.
      if (paid && o.refunds === 0 && grants < 1) violations.push(`order #${o.number}: paid but no role grant`);
      if (o.refunds > 0 && grants > 0 && revokes < 1) violations.push(`order #${o.number}: refunded but its role was not revoked`);
      if (grants > 1) repeatedRoleCalls += grants - 1;
      if (revokes > 1) repeatedRoleCalls += revokes - 1;
    }
    await c.end();
    await prisma.$disconnect();

    const unexpectedExits = instances.flatMap((s) =>
      s.exits.filter((e) => !e.expected).map((e) => `${s.name} exited (code ${e.code}, signal ${e.signal})`),
    );
    violations.push(...unexpectedExits);

    // --- report
    const row = (k: string, v: string | number) => `  ${k.padEnd(48)} ${String(v).padStart(8)}`;
    const out = [
      '',
      'Faults injected',
      ...Object.entries(faults).map(([k, v]) => row(k, v)),
      '',
      'Traffic',
      ...Object.entries(traffic).map(([k, v]) => row(k, v)),
      row('orders in the database', orders.length),
      row('paid orders', orders.filter((o) => o.status !== 'PENDING_PAYMENT' && o.status !== 'CANCELLED').length),
      row(
        'refunds',
        orders.reduce((a, o) => a + o.refunds, 0),
      ),
      row('role calls repeated (idempotent at Discord)', repeatedRoleCalls),
      row('jobs drained, seconds after the last fault or step', pending === 0 ? drainedIn : 'NOT'),
      row('process exits not caused by the suite', unexpectedExits.length),
      '',
      `Violations: ${violations.length}`,
      ...violations.slice(0, 50).map((v) => `  - ${v}`),
      `(run took ${Math.round((Date.now() - started) / 1000)}s)`,
      '',
    ];
    process.stdout.write(`${out.join('\n')}\n`);
    process.exitCode = violations.length ? 1 : 0;
  } finally {
    for (const s of instances) await s.kill('SIGTERM').catch(() => undefined);
    await fake.stop();
    await db.destroy();
  }
}

main().catch((err: Error) => {
  console.error(`chaos failed: ${err.stack ?? err.message}`);
  process.exit(2);
});
