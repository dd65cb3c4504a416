// npm run bench:scale — the lists, the order detail and the dashboard of a shop with 1,000,000 orders.
//
// Database: a scratch database on DATABASE_URL's server (dropped afterwards) when it is set, otherwise an
// embedded PostgreSQL in a temporary folder. Migrations applied, the demo shop seeded, then the load, all in
// SQL (generate_series; no row-by-row inserts): 20,000 customers plus one ("Wendy Whale") with 500 orders;
// BENCH_ORDERS (default 1,000,000) orders over two years with one or two lines, a payment each, refunds for
// the refunded ones, and a realistic status mix (mostly complete/shipped, some pending, cancelled, refunded).
// The load is one transaction: triggers (and so foreign-key checks) off (session_replication_role = replica),
// the loaded tables' secondary indexes dropped first and rebuilt from their catalog definitions once the rows
// are in (a sorted build each instead of a million random inserts each; primary keys stay), the order lines
// written in one pass, the session's maintenance_work_mem 512 MB and work_mem 128 MB; the dashboard rollups
// are then backfilled by the migration's own query, as an upgrade of a big shop would have them; VACUUM
// ANALYZE last. It prints the seconds of each step.
//
// A load can be kept and measured again (the three benchmark runs of a change then share one load):
//   --keep <name>   load into a NEW database <name> (refused if it exists) and keep it after the run
//                   (on DATABASE_URL's server; without DATABASE_URL an embedded PostgreSQL whose data
//                   folder is <tmpdir>/ledgerline-bench/<name>). A load that fails drops it again.
//   --reuse <name>  measure that database without loading. Refused, with the reason, unless it was loaded
//                   completely by --keep (a record in schema bench_scale), has exactly this checkout's
//                   migrations applied (names and checksums), and still holds what was loaded (orders,
//                   payments, customers, the whale's orders, the rollups' count); --orders, if given, must
//                   match. Each run writes a little (an API key, the admin's new password, sessions).
//   Drop it when done: DROP DATABASE <name> (or delete the folder).
//
// Then the real server (src/main.ts, NODE_ENV=production) is started as a child process and each request
// below is sent SAMPLES times (default 40, after 5 warm-ups), one at a time, measuring p50/p95:
//   - the admin panel's order list, first page, and filtered by status and by a customer search, through the
//     AdminJS API with a signed-in session (as the panel's frontend calls it);
//   - the REST order list's first page, and the page 40,000 orders deep (reached by following nextCursor);
//   - /orders for the 500-order customer and its last page (orders:page:49), as signed interactions;
//   - the order detail (panel and REST) and the dashboard.
// Baseline, same run, same data: the queries these replaced, on plain pg (an exact count of the shop's
// orders, OFFSET 40,000, the dashboard's scan of every order).
// Options: --samples 40  --orders 1000000 (more than 40,000)  --keep <name>  --reuse <name>
// --explain <file> (writes EXPLAIN ANALYZE of every list query, and of the customer search without its
// trigram indexes)  --profile <dir> (a CPU profile of the server).
// Last line: worst p95: <N> ms
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { FakeDiscordApi } from '../src/dev/fake-discord-api.js';
import { createApiKeyService } from '../src/modules/api-keys/api-key.service.js';
import { createAuditService } from '../src/modules/audit/audit.service.js';
import { systemActor } from '../src/modules/shared/actor.js';
import { systemClock } from '../src/platform/clock.js';
import { findFreePort } from '../src/platform/db/embedded-postgres.js';
import { hashPassword, randomToken } from '../src/platform/crypto.js';
import { listMigrations, migrate } from '../src/platform/db/migrate.js';
import { createPrisma } from '../src/platform/db/prisma.js';
import { migrateJobQueue } from '../src/platform/jobs/worker.js';
import { DEMO, seedDemo } from '../src/seed/demo-seed.js';
import { benchDatabase } from './lib/bench-database.js';
import { CUSTOMERS, load, WHALE_ORDERS, WHALE_USER_ID } from './lib/scale-load.js';
import { stopChildren } from './lib/stop-children.js';

const { values: opts } = parseArgs({
  options: {
    samples: { type: 'string', default: process.env.BENCH_SAMPLES ?? '40' },
    /** Default 1,000,000 (BENCH_ORDERS); with --reuse, the kept database's count (giving another one refuses). */
    orders: { type: 'string', default: process.env.BENCH_ORDERS },
    /** Load into a new database of this name and keep it after the run, for later --reuse runs. */
    keep: { type: 'string' },
    /** Measure a database kept by an earlier --keep run, without loading (it is checked first). */
    reuse: { type: 'string' },
    explain: { type: 'string' },
    /** Writes a V8 CPU profile of the server into this folder (node --cpu-prof). */
    profile: { type: 'string' },
  },
});
const SAMPLES = Number(opts.samples);
const ASKED_ORDERS = opts.orders === undefined ? undefined : Number(opts.orders);
if (ASKED_ORDERS !== undefined && !(Number.isInteger(ASKED_ORDERS) && ASKED_ORDERS > 40_000)) {
  console.error('--orders must be a whole number above 40,000 (the REST walk goes 40,000 orders deep)');
  process.exit(1);
}
const DEEP = 40_000;
const TARGET_P95_MS = 100;
const APP_ID = '100000000000000099';

// ------------------------------------------------------------------ a kept database (--keep / --reuse)

/** What a --keep run loaded, written after a complete load; --reuse checks the database against it. */
interface LoadRecord {
  tenantId: string;
  orders: number;
  customers: number;
  whaleOrders: number;
  loadSeconds: number;
  loadedAt: Date;
}

async function recordLoad(url: string, rec: Omit<LoadRecord, 'loadedAt'>): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => undefined);
  await c.connect();
  try {
    // Its own schema: nothing of the application (migrations, drift check, truncation) looks there.
    await c.query('CREATE SCHEMA bench_scale');
    await c.query(
      `CREATE TABLE bench_scale.load ("tenantId" text NOT NULL, orders int NOT NULL, customers int NOT NULL, "whaleOrders" int NOT NULL,
         "loadSeconds" numeric NOT NULL, "loadedAt" timestamptz NOT NULL DEFAULT now())`,
    );
    await c.query(
      `INSERT INTO bench_scale.load ("tenantId", orders, customers, "whaleOrders", "loadSeconds") VALUES ($1, $2, $3, $4, $5)`,
      [rec.tenantId, rec.orders, rec.customers, rec.whaleOrders, rec.loadSeconds],
    );
  } finally {
    await c.end();
  }
}

/**
 * Checks that a kept database is one this script loaded completely, with exactly the migrations of this
 * checkout applied, and still holds that data; throws a message saying what differs otherwise.
 */
async function checkKept(url: string, where: string, wantOrders: number | undefined): Promise<LoadRecord> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => undefined);
  await c.connect();
  const refuse = (why: string) =>
    new Error(`${where} cannot be reused: ${why}. Load a new one with --keep <another name> (or drop this one and --keep it again).`);
  try {
    const marker = await c.query<{ exists: boolean }>(`SELECT to_regclass('bench_scale.load') IS NOT NULL AS exists`);
    if (!marker.rows[0]!.exists) throw refuse('it was not loaded by bench:scale --keep, or its load did not finish');
    const rec = (
      await c.query<Omit<LoadRecord, 'loadSeconds'> & { loadSeconds: string }>(
        `SELECT "tenantId", orders, customers, "whaleOrders", "loadSeconds", "loadedAt" FROM bench_scale.load`,
      )
    ).rows;
    if (rec.length !== 1) throw refuse(`bench_scale.load has ${rec.length} rows instead of 1`);
    const load: LoadRecord = { ...rec[0]!, loadSeconds: Number(rec[0]!.loadSeconds) };
    // Migrations: the same names and checksums as prisma/migrations, all finished, none rolled back.
    const applied = new Map(
      (
        await c.query<{ migration_name: string; checksum: string }>(
          `SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
        )
      ).rows.map((r) => [r.migration_name, r.checksum]),
    );
    const current = await listMigrations();
    const missing = current.filter((m) => !applied.has(m.name)).map((m) => m.name);
    const changed = current.filter((m) => applied.has(m.name) && applied.get(m.name) !== m.checksum).map((m) => m.name);
    const unknown = [...applied.keys()].filter((n) => !current.some((m) => m.name === n));
    if (missing.length) throw refuse(`it lacks the migration(s) ${missing.join(', ')}`);
    if (changed.length) throw refuse(`the migration(s) ${changed.join(', ')} changed since it was loaded`);
    if (unknown.length) throw refuse(`it has migration(s) this checkout does not know: ${unknown.join(', ')}`);
    if (wantOrders !== undefined && wantOrders !== load.orders) {
      throw refuse(`it holds ${load.orders.toLocaleString('en-US')} orders, not the ${wantOrders.toLocaleString('en-US')} asked for`);
    }
    // The data itself, counted now.
    const { rows } = await c.query<{ orders: number; payments: number; customers: number; whale: number; rolled: number }>(
      `SELECT (SELECT count(*)::int FROM orders WHERE "tenantId" = $1) AS orders,
              (SELECT count(*)::int FROM payments WHERE "tenantId" = $1) AS payments,
              (SELECT count(*)::int FROM customers WHERE "tenantId" = $1 AND id LIKE 'cus\\_bench%') AS customers,
              (SELECT count(*)::int FROM orders WHERE "tenantId" = $1 AND "customerId" = 'cus_benchwhale') AS whale,
              (SELECT coalesce(sum(orders), 0)::int FROM order_daily_rollups WHERE "tenantId" = $1) AS rolled`,
      [load.tenantId],
    );
    const n = rows[0]!;
    const expect: [string, number, number][] = [
      ["the shop's orders", n.orders, load.orders],
      ["the shop's payments", n.payments, load.orders],
      ['the bench customers', n.customers, load.customers],
      ["Wendy Whale's orders", n.whale, load.whaleOrders],
      ["the dashboard rollups' order count", n.rolled, load.orders],
    ];
    const wrong = expect.filter(([, got, want]) => got !== want);
    if (wrong.length) throw refuse(wrong.map(([what, got, want]) => `${what}: ${got} (the load wrote ${want})`).join('; '));
    if (load.customers !== CUSTOMERS + 1 || load.whaleOrders !== WHALE_ORDERS) {
      throw refuse(
        `it was loaded with ${load.customers} customers and ${load.whaleOrders} whale orders; this script loads ${CUSTOMERS + 1} and ${WHALE_ORDERS}`,
      );
    }
    return load;
  } finally {
    await c.end();
  }
}

// ------------------------------------------------------------------ HTTP clients

function startServer(env: Record<string, string>): ChildProcess {
  const profile = opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${opts.profile}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[server] ${d}`));
  child.stdout!.resume();
  return child;
}

async function waitForReady(base: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the server did not become ready');
}

/** A browser's cookies for one origin, enough for the panel's session and CSRF cookies. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  }
  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
  names(): IterableIterator<string> {
    return this.cookies.keys();
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** Signs in to the panel as a browser does; returns a GET for its API with the session and CSRF headers. */
async function adminSession(base: string, email: string, password: string) {
  // Up to three tries: on a machine this busy a sign-in form has been seen refused once (403) and then work.
  for (let attempt = 1; ; attempt++) {
    const jar = new CookieJar();
    const page = await fetch(`${base}/admin/login`, { redirect: 'manual' });
    jar.take(page);
    const csrf = () => decodeURIComponent(jar.get('ledgerline_admin_csrf') ?? '');
    const res = await fetch(`${base}/admin/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, cookie: jar.header() },
      body: new URLSearchParams({ email, password, _csrf: csrf() }).toString(),
    });
    jar.take(res);
    if (res.status !== 303) {
      const body = await res.text();
      const why = `admin sign-in failed: HTTP ${res.status} ${/errorMessage[^,}]*/.exec(body)?.[0] ?? body.slice(0, 200)}; cookies: ${[...jar.names()].join(', ')}`;
      if (attempt >= 3) throw new Error(why);
      console.log(`${why}; trying again`);
      continue;
    }
    return async (path: string) => {
      const r = await fetch(`${base}/admin/api${path}`, { headers: { cookie: jar.header(), origin: base, 'x-csrf-token': csrf() } });
      if (r.status !== 200) throw new Error(`GET /admin/api${path}: HTTP ${r.status}`);
      return r.json() as Promise<Record<string, unknown>>;
    };
  }
}

let snow = BigInt(Date.now() - 1420070400000) << 22n;
const snowflake = () => (snow += 1n).toString();

function interaction(type: number, data: unknown, message?: unknown): string {
  const user = { id: WHALE_USER_ID, username: 'wendy', global_name: 'Wendy Whale', discriminator: '0', avatar: null };
  return JSON.stringify({
    id: snowflake(),
    application_id: APP_ID,
    type,
    token: `bench_${snowflake()}`,
    version: 1,
    guild_id: DEMO.guildId,
    channel_id: '100000000000000020',
    member: { user, roles: [], permissions: '0', joined_at: '2026-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 },
    app_permissions: '0',
    locale: 'en-US',
    data,
    ...(message ? { message } : {}),
  });
}

function signedPost(url: string, key: KeyObject) {
  return async (body: string, expectType: number) => {
    const timestamp = Math.floor(Date.now() / 1000).toString();
    const res = await fetch(url, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-signature-timestamp': timestamp,
        'x-signature-ed25519': sign(null, Buffer.from(timestamp + body), key).toString('hex'),
      },
    });
    const json = (await res.json()) as { type?: number; data?: { embeds?: { footer?: { text?: string } }[] } };
    if (res.status !== 200 || json.type !== expectType) throw new Error(`interaction: HTTP ${res.status} type ${json.type}`);
    return json.data?.embeds?.[0]?.footer?.text ?? '';
  };
}

// ------------------------------------------------------------------ measuring

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

interface Row {
  name: string;
  p50: number;
  p95: number;
  baseline?: { p50: number; p95: number; what: string };
}

async function timeIt(fn: () => Promise<unknown>, samples = SAMPLES): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 5; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return { p50: pct(ms, 50), p95: pct(ms, 95) };
}

function rssMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return Math.round(kb / 1024);
}

// ------------------------------------------------------------------ EXPLAIN ANALYZE of the list queries

async function explainAll(url: string, tenantId: string, boundary: { createdAt: Date; id: string }, file: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => undefined);
  await c.connect();
  // The customer lookup of the panel's search (orders.resource.ts orderSearch) as Prisma sends it.
  const customerSearch = `SELECT "public"."customers"."id" FROM "public"."customers" WHERE ("public"."customers"."tenantId" = $1 AND ("public"."customers"."displayName" ILIKE $2 OR "public"."customers"."username" ILIKE $3 OR "public"."customers"."discordUserId" = $4)) ORDER BY "public"."customers"."id" ASC LIMIT $5 OFFSET $6`;
  const searchArgs = (term: string) => [tenantId, `%${term}%`, `%${term}%`, term, 201, 0];
  const whaleSearch = (await c.query<{ id: string }>(customerSearch, searchArgs('Wendy Whale'))).rows.map((r) => r.id);
  // [title, SQL, values, run with the trigram indexes dropped (in a transaction rolled back afterwards)]
  const queries: [string, string, unknown[], boolean?][] = [
    [
      'REST list, first page (keyset)',
      `SELECT * FROM orders WHERE "tenantId" = $1 ORDER BY "createdAt" DESC, id DESC LIMIT 26`,
      [tenantId],
    ],
    [
      `REST list, the page ${DEEP.toLocaleString('en-US')} orders deep (keyset seek)`,
      `SELECT * FROM orders WHERE "tenantId" = $1 AND ("createdAt", id) < ($2::timestamp(3), $3) ORDER BY "createdAt" DESC, id DESC LIMIT 26`,
      [tenantId, boundary.createdAt.toISOString(), boundary.id],
    ],
    [
      'REST list, status filter, deep page',
      `SELECT * FROM orders WHERE "tenantId" = $1 AND status = 'SHIPPED'::"OrderStatus" AND ("createdAt", id) < ($2::timestamp(3), $3) ORDER BY "createdAt" DESC, id DESC LIMIT 26`,
      [tenantId, boundary.createdAt.toISOString(), boundary.id],
    ],
    [
      'REST list, customer filter',
      `SELECT * FROM orders WHERE "tenantId" = $1 AND "customerId" = 'cus_benchwhale' ORDER BY "createdAt" DESC, id DESC LIMIT 26`,
      [tenantId],
    ],
    [
      'REST list, created range',
      `SELECT * FROM orders WHERE "tenantId" = $1 AND "createdAt" >= $2 AND "createdAt" < $3 ORDER BY "createdAt" DESC, id DESC LIMIT 26`,
      [tenantId, new Date(Date.now() - 400 * 86_400_000).toISOString(), new Date(Date.now() - 300 * 86_400_000).toISOString()],
    ],
    [
      'Admin list, page 1 (as @adminjs/prisma asks Prisma: createdAt desc)',
      `SELECT * FROM orders WHERE "tenantId" = $1 ORDER BY "createdAt" DESC LIMIT 10 OFFSET 0`,
      [tenantId],
    ],
    [
      'Admin list, capped count (10,000 + 1; Prisma orders a limited count, here by createdAt)',
      `SELECT count(*) FROM (SELECT id FROM orders WHERE "tenantId" = $1 ORDER BY "createdAt" DESC LIMIT 10001) s`,
      [tenantId],
    ],
    [
      'Admin list, status filter, page 1',
      `SELECT * FROM orders WHERE status = 'PAID'::"OrderStatus" AND "tenantId" = $1 ORDER BY "createdAt" DESC LIMIT 10 OFFSET 0`,
      [tenantId],
    ],
    [
      'Admin list, status filter, capped count',
      `SELECT count(*) FROM (SELECT id FROM orders WHERE status = 'PAID'::"OrderStatus" AND "tenantId" = $1 ORDER BY "createdAt" DESC LIMIT 10001) s`,
      [tenantId],
    ],
    [
      'Admin list, payment method filter (ZELLE), capped count',
      `SELECT count(*) FROM (SELECT id FROM orders WHERE "paymentMethod" = 'ZELLE'::"PaymentMethod" AND "tenantId" = $1 ORDER BY "createdAt" DESC LIMIT 10001) s`,
      [tenantId],
    ],
    [
      'Admin list, a rare shipping status (FAILED: none), page 1',
      `SELECT * FROM orders WHERE "shippingStatus" = 'FAILED'::"ShippingStatus" AND "tenantId" = $1 ORDER BY "createdAt" DESC LIMIT 10 OFFSET 0`,
      [tenantId],
    ],
    ['Admin list, sorted by total', `SELECT * FROM orders WHERE "tenantId" = $1 ORDER BY "totalCents" DESC LIMIT 10 OFFSET 0`, [tenantId]],
    ['Admin list, customer search "Wendy Whale": the matching customers (trigram indexes)', customerSearch, searchArgs('Wendy Whale')],
    ['Admin list, customer search "wendy": the matching customers (trigram indexes)', customerSearch, searchArgs('wendy')],
    ['Admin list, customer search "buyer 1234": the matching customers (trigram indexes)', customerSearch, searchArgs('buyer 1234')],
    [
      'Admin list, customer search: page 1',
      `SELECT * FROM orders WHERE "customerId" = ANY($2) AND "tenantId" = $1 ORDER BY "createdAt" DESC LIMIT 10 OFFSET 0`,
      [tenantId, whaleSearch],
    ],
    [
      'Admin list, customer search: capped count',
      `SELECT count(*) FROM (SELECT id FROM orders WHERE "customerId" = ANY($2) AND "tenantId" = $1 ORDER BY "createdAt" DESC LIMIT 10001) s`,
      [tenantId, whaleSearch],
    ],
    [
      'Discord /orders, last page of 500 (OFFSET 490 on the customer index)',
      `SELECT * FROM orders WHERE "tenantId" = $1 AND "customerId" = 'cus_benchwhale' ORDER BY "createdAt" DESC, id DESC LIMIT 10 OFFSET 490`,
      [tenantId],
    ],
    ['Discord /orders, the count', `SELECT count(*) FROM orders WHERE "tenantId" = $1 AND "customerId" = 'cus_benchwhale'`, [tenantId]],
    [
      "Dashboard, sales by the shop's day and currency (quarter-hour rollups; a shop in America/New_York)",
      `SELECT q.currency, to_char((q."quarterHour" AT TIME ZONE 'UTC') AT TIME ZONE 'America/New_York', 'YYYY-MM-DD') AS day, sum(q.orders)::int, sum(q.net)::bigint FROM (SELECT r.currency::text AS currency, r."quarterHour", sum(r.orders) AS orders, sum(r."totalCents" - r."refundedCents") AS net FROM order_currency_sales_rollups r WHERE r."tenantId" = $1 AND r.status NOT IN ('PENDING_PAYMENT', 'CANCELLED') AND r."quarterHour" >= (date_trunc('day', now() AT TIME ZONE 'America/New_York') - interval '29 days') AT TIME ZONE 'America/New_York' AT TIME ZONE 'UTC' AND r."quarterHour" < (date_trunc('day', now() AT TIME ZONE 'America/New_York') + interval '1 day') AT TIME ZONE 'America/New_York' AT TIME ZONE 'UTC' GROUP BY 1, 2) q GROUP BY 1, 2 HAVING sum(q.orders) <> 0`,
      [tenantId],
    ],
    [
      'Dashboard, orders by status (rollups)',
      `SELECT status::text, sum(orders)::int FROM order_daily_rollups WHERE "tenantId" = $1 GROUP BY status`,
      [tenantId],
    ],
    [
      "BEFORE: exact count of the shop's orders (every list page paid this)",
      `SELECT count(*) FROM orders WHERE "tenantId" = $1`,
      [tenantId],
    ],
    [
      `BEFORE: OFFSET ${DEEP.toLocaleString('en-US')}`,
      `SELECT * FROM orders WHERE "tenantId" = $1 ORDER BY "createdAt" DESC, number DESC LIMIT 25 OFFSET ${DEEP}`,
      [tenantId],
    ],
    ['BEFORE: dashboard, orders by status (scan)', `SELECT status, count(*) FROM orders WHERE "tenantId" = $1 GROUP BY status`, [tenantId]],
    ...['Wendy Whale', 'wendy', 'buyer 1234'].map((term): [string, string, unknown[], boolean] => [
      `BEFORE: customer search "${term}" without the trigram indexes (dropped in a rolled-back transaction)`,
      customerSearch,
      searchArgs(term),
      true,
    ]),
  ];
  const out: string[] = [];
  try {
    for (const [title, text, values, withoutTrigram] of queries) {
      if (withoutTrigram) {
        await c.query('BEGIN');
        await c.query('DROP INDEX "customers_displayName_trgm_idx", "customers_username_trgm_idx"');
      }
      await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values); // warm
      const { rows } = await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
      if (withoutTrigram) await c.query('ROLLBACK');
      out.push(
        `### ${title}\n\n\`\`\`sql\n${text.replace(/\s+/g, ' ')}\n\`\`\`\n\n\`\`\`\n${rows.map((r) => r['QUERY PLAN']).join('\n')}\n\`\`\`\n`,
      );
    }
  } finally {
    await c.end();
  }
  writeFileSync(file, out.join('\n'));
  console.log(`EXPLAIN ANALYZE of ${queries.length} queries written to ${file}`);
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  const db = await benchDatabase('ll_scale', { keep: opts.keep, reuse: opts.reuse });
  const fake = await new FakeDiscordApi().start();
  let server: ChildProcess | undefined;
  let loaded = false;
  try {
    let loadSeconds: number;
    let orders: number;
    const prisma = createPrisma(db.url, 2);
    let admin: { email: string; password: string };
    let tenant: { id: string };
    if (opts.reuse) {
      const kept = await checkKept(db.url, db.where, ASKED_ORDERS);
      await migrateJobQueue(db.url); // graphile-worker's own schema: idempotent
      orders = kept.orders;
      loadSeconds = kept.loadSeconds;
      tenant = { id: kept.tenantId };
      // The seed's admin password is stored only as a hash: give the demo admin a new one for this run.
      const password = randomToken(12);
      const updated = await prisma.adminUser.updateMany({
        where: { email: DEMO.adminEmail },
        data: { passwordHash: await hashPassword(password) },
      });
      if (updated.count !== 1) throw new Error(`${db.where} has no demo admin ${DEMO.adminEmail}`);
      admin = { email: DEMO.adminEmail, password };
      console.log(
        `load: reused ${db.where}: ${orders.toLocaleString('en-US')} orders, ${kept.customers} customers, loaded ${kept.loadedAt.toISOString()} in ${kept.loadSeconds.toFixed(1)} s; migrations and counts checked`,
      );
    } else {
      orders = ASKED_ORDERS ?? 1_000_000;
      await migrate(db.url);
      await migrateJobQueue(db.url);
      admin = await seedDemo(prisma);
      tenant = await prisma.tenant.findFirstOrThrow();
      const t0 = performance.now();
      const steps = await load(db.url, tenant.id, orders);
      loadSeconds = (performance.now() - t0) / 1000;
      const counts = await prisma.$queryRaw<{ orders: number; items: number; payments: number; refunds: number }[]>`
        SELECT (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM order_items) AS items,
               (SELECT count(*)::int FROM payments) AS payments, (SELECT count(*)::int FROM refunds) AS refunds`;
      console.log(
        `load: ${counts[0]!.orders.toLocaleString('en-US')} orders, ${counts[0]!.items.toLocaleString('en-US')} lines, ${counts[0]!.payments.toLocaleString('en-US')} payments, ${counts[0]!.refunds.toLocaleString('en-US')} refunds, ${CUSTOMERS + 1} customers in ${loadSeconds.toFixed(1)} s (with VACUUM ANALYZE)`,
      );
      console.log(`load steps: ${steps.map(([name, sec]) => `${name} ${sec.toFixed(1)} s`).join('; ')}`);
      if (opts.keep) {
        await recordLoad(db.url, { tenantId: tenant.id, orders, customers: CUSTOMERS + 1, whaleOrders: WHALE_ORDERS, loadSeconds });
        console.log(`kept: ${db.where}; measure it again with --reuse ${opts.keep}`);
      }
    }
    loaded = true;
    const { key: apiKey } = await createApiKeyService({ db: prisma, clock: systemClock, audit: createAuditService({ db: prisma }) }).create(
      { tenantId: tenant.id, actor: systemActor },
      'bench:scale',
      'READ_WRITE',
    );
    const whaleLatest = await prisma.order.findFirstOrThrow({
      where: { tenantId: tenant.id, customerId: 'cus_benchwhale' },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    await prisma.$disconnect();

    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const port = await findFreePort();
    const base = `http://127.0.0.1:${port}`;
    server = startServer({
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      DISCORD_PUBLIC_KEY: Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('hex'),
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_BOT_TOKEN: 'bench-bot-token-not-a-real-token',
      DISCORD_API_BASE_URL: fake.apiBase,
      SESSION_SECRET: randomBytes(32).toString('hex'),
      COOKIE_SECURE: 'false',
      SECRETS_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
      INVOICE_LINK_SIGNING_SECRET: randomBytes(32).toString('hex'),
      RATE_LIMIT_API_PER_MINUTE: '1000000',
    });
    await waitForReady(base);
    console.log(`server pid ${server.pid}; rss at ready ${rssMb(server.pid!, 'VmRSS')} MB`);

    const adminGet = await adminSession(base, admin.email, admin.password);
    const api = async (path: string) => {
      const r = await fetch(`${base}/api${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
      if (r.status !== 200) throw new Error(`GET /api${path}: HTTP ${r.status} ${await r.text()}`);
      return r.json() as Promise<{ data: { id: string; createdAt: string }[]; nextCursor: string | null }>;
    };
    const interact = signedPost(`${base}/discord/interactions`, privateKey);
    const pageMessage = { id: '1', channel_id: '1', flags: 64, components: [] };

    // Sanity: what is measured answers what it should.
    const first = await adminGet('/resources/Order/actions/list?page=1');
    const total = (first.meta as { total: number }).total;
    const lastFooter = await interact(interaction(3, { custom_id: 'orders:page:49', component_type: 2 }, pageMessage), 7);
    if (!lastFooter.startsWith(`Page 50 of 50 · ${WHALE_ORDERS} orders`)) throw new Error(`/orders last page says "${lastFooter}"`);

    // The cursor 40,000 orders deep, by following nextCursor (pages of 100).
    let cursor: string | null = null;
    const walkStart = performance.now();
    for (let seen = 0; seen < DEEP; seen += 100) {
      const page: Awaited<ReturnType<typeof api>> = await api(
        `/orders?pageSize=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      cursor = page.nextCursor;
      if (!cursor) throw new Error(`the list ended before ${DEEP} orders`);
    }
    const walkMs = performance.now() - walkStart;
    const deepCursor = cursor!;
    const deepPage = await api(`/orders?pageSize=25&cursor=${encodeURIComponent(deepCursor)}`);
    console.log(
      `admin list total shown: ${total > 10_000 ? '10,000+' : total}; REST walk to ${DEEP.toLocaleString('en-US')} deep: ${DEEP / 100} pages in ${(walkMs / 1000).toFixed(1)} s (${(walkMs / (DEEP / 100)).toFixed(1)} ms a page)`,
    );

    // The old queries, for the baseline column.
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    pool.on('error', () => undefined);
    const sqlTime = (text: string, values: unknown[]) => timeIt(() => pool.query(text, values), Math.min(SAMPLES, 20));
    const oldCount = `SELECT count(*) FROM orders WHERE "tenantId" = $1`;

    const rows: Row[] = [];
    const measure = async (
      name: string,
      fn: () => Promise<unknown>,
      baseline?: { what: string; run: () => Promise<{ p50: number; p95: number }> },
    ) => {
      const r = await timeIt(fn);
      rows.push({ name, ...r, ...(baseline ? { baseline: { what: baseline.what, ...(await baseline.run()) } } : {}) });
    };
    await measure('admin list, page 1', () => adminGet('/resources/Order/actions/list?page=1'), {
      what: 'exact count + page',
      run: () =>
        timeIt(async () => {
          await pool.query(oldCount, [tenant.id]);
          await pool.query(`SELECT * FROM orders WHERE "tenantId" = $1 ORDER BY "createdAt" DESC LIMIT 10`, [tenant.id]);
        }, 20),
    });
    await measure('admin list, status = PAID', () => adminGet('/resources/Order/actions/list?page=1&filters.status=PAID'), {
      what: 'exact count of PAID',
      run: () => sqlTime(`SELECT count(*) FROM orders WHERE "tenantId" = $1 AND status = 'PAID'`, [tenant.id]),
    });
    await measure(
      'admin list, search "Wendy Whale"',
      () => adminGet(`/resources/Order/actions/list?page=1&filters.q=${encodeURIComponent('Wendy Whale')}`),
      {
        what: 'count via customer subquery',
        run: () =>
          sqlTime(
            `SELECT count(*) FROM orders WHERE "tenantId" = $1 AND "customerId" IN (SELECT id FROM customers WHERE "displayName" ILIKE '%Wendy Whale%')`,
            [tenant.id],
          ),
      },
    );
    await measure('admin list, search + status', () =>
      adminGet(`/resources/Order/actions/list?page=1&filters.q=wendy&filters.status=COMPLETE`),
    );
    await measure('REST list, first page', () => api('/orders?pageSize=25'));
    await measure(
      `REST list, ${DEEP.toLocaleString('en-US')} deep (cursor)`,
      () => api(`/orders?pageSize=25&cursor=${encodeURIComponent(deepCursor)}`),
      {
        what: `OFFSET ${DEEP}`,
        run: () =>
          sqlTime(`SELECT * FROM orders WHERE "tenantId" = $1 ORDER BY "createdAt" DESC, number DESC LIMIT 25 OFFSET ${DEEP}`, [tenant.id]),
      },
    );
    await measure('REST list, status = SHIPPED', () => api('/orders?pageSize=25&status=SHIPPED'));
    await measure('/orders (500 orders), page 1', () => interact(interaction(2, { id: '1', name: 'orders', type: 1 }), 4));
    await measure('/orders (500 orders), last page', () =>
      interact(interaction(3, { custom_id: 'orders:page:49', component_type: 2 }, pageMessage), 7),
    );
    await measure('order detail, panel', () => adminGet(`/resources/Order/records/${whaleLatest.id}/show`));
    await measure('order detail, REST', () => api(`/orders/${whaleLatest.id}`));
    await measure('dashboard', () => adminGet('/dashboard'), {
      what: 'scan of every order',
      run: () =>
        timeIt(async () => {
          await pool.query(
            `SELECT date_trunc('day', "createdAt"), count(*), sum("totalCents" - "refundedTotalCents") FROM orders WHERE "tenantId" = $1 AND status NOT IN ('PENDING_PAYMENT', 'CANCELLED') AND "createdAt" >= date_trunc('day', now() AT TIME ZONE 'UTC') - interval '29 days' GROUP BY 1`,
            [tenant.id],
          );
          await pool.query(`SELECT status, count(*) FROM orders WHERE "tenantId" = $1 GROUP BY status`, [tenant.id]);
        }, 20),
    });
    await pool.end();

    const f1 = (n: number) => n.toFixed(1).padStart(8);
    console.log(
      `\n${'request'.padEnd(36)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)}   baseline (the old query on plain pg): p50 / p95 ms`,
    );
    for (const r of rows) {
      console.log(
        `${r.name.padEnd(36)} ${f1(r.p50)} ${f1(r.p95)}   ${r.baseline ? `${r.baseline.what}: ${r.baseline.p50.toFixed(1)} / ${r.baseline.p95.toFixed(1)}` : ''}`,
      );
    }
    console.log(
      `(${SAMPLES} samples each after 5 warm-ups, one request at a time; deep page: ${deepPage.data.length} orders from ${deepPage.data[0]?.createdAt ?? '?'})`,
    );
    console.log(
      `server rss now ${rssMb(server.pid!, 'VmRSS')} MB, peak ${rssMb(server.pid!, 'VmHWM')} MB (admin panel loaded); load time ${loadSeconds.toFixed(1)} s`,
    );
    if (opts.explain) {
      // The deep page's boundary as the cursor carries it (order-cursor.ts: base64url JSON {c, i} before the dot).
      const boundary = JSON.parse(Buffer.from(deepCursor.split('.')[0]!, 'base64url').toString()) as { c: number; i: string };
      await explainAll(db.url, tenant.id, { createdAt: new Date(boundary.c), id: boundary.i }, opts.explain);
    }
    const worst = Math.max(...rows.map((r) => r.p95));
    console.log(`target: every p95 <= ${TARGET_P95_MS} ms: ${worst <= TARGET_P95_MS ? 'met' : 'NOT met'}`);
    console.log(`worst p95: ${worst.toFixed(1)} ms`);
  } finally {
    await stopChildren([server]);
    await fake.stop();
    // A --keep run whose load did not finish leaves nothing half-loaded behind.
    if (opts.keep && !loaded) await db.drop().catch(() => undefined);
    else await db.cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`bench failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
