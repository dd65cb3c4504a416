// npm run bench:refund-sweep — the refund sweep's selection (checkouts/refund-sweep.ts) at 1,000,000 orders,
// before and after its indexes, in one run on the same data (docs/perf/refund-sweep.md).
//
// Database: a scratch database as bench:scale makes it (DATABASE_URL's server, else an embedded PostgreSQL),
// migrated up to (not including) the refund sweep's index migrations, then bench:scale's own load (scripts/
// lib/scale-load.ts: BENCH_ORDERS orders over two years, 63 s apart), then one checkout per processor-paid
// order: of the orders that were paid, 20% PayPal and 20% Square (PAID, with a payment reference), 5% BTCPay
// (PAID: never read by the sweep, but in the old statement's index range); refunded orders keep their PAID
// checkout as in the app. No checkout has been read: the state of every database at the upgrade (the sweep was
// not released before its indexes). Then:
//   1. `npm run db:migrate`'s runner applies the two migrations (timed: the CONCURRENTLY builds and each
//      migration's transaction, from _prisma_migrations);
//   2. "upgrade day": the old statement (the one before these migrations, rebuilt on today's rule: dueAgainByAge,
//      and no longer leaving out orders refunded in full) and the new one (dueRefundReadsSql), each EXPLAIN (ANALYZE, BUFFERS) and the median of
//      --samples runs, and the ids each returns compared (the same checkouts, in the same order);
//   3. "steady state": every checkout inside its window read as if the sweep had kept up for months (its last
//      read a random share of its interval ago, a 5-minute run's worth of them just due), refundCheckDueAt
//      written by the app's own rule (refundCheckDueAt()), VACUUM ANALYZE; then the same measures.
// Options: --samples 20  --orders 1000000  --explain <file> (the plans, as markdown)
// Last line: new/old median ratio at steady state.
import { writeFileSync } from 'node:fs';
import { cp, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  dueRefundReadsSql,
  REFUND_RECHECK,
  REFUND_SWEEP_RUN_LIMIT,
  REFUND_WINDOW_DAYS,
  refundCheckDueAt,
} from '../src/modules/payments-processor/checkouts/refund-sweep.js';
import { dueAgainByAge, sqlUtcNow } from '../src/platform/db/due-rows.js';
import { migrate, MIGRATIONS_DIR } from '../src/platform/db/migrate.js';
import { createPrisma, Prisma } from '../src/platform/db/prisma.js';
import { migrateJobQueue } from '../src/platform/jobs/worker.js';
import { seedDemo } from '../src/seed/demo-seed.js';
import { benchDatabase } from './lib/bench-database.js';
import { load } from './lib/scale-load.js';

const { values: opts } = parseArgs({
  options: {
    samples: { type: 'string', default: process.env.BENCH_SAMPLES ?? '20' },
    orders: { type: 'string', default: process.env.BENCH_ORDERS ?? '1000000' },
    explain: { type: 'string' },
  },
});
const SAMPLES = Number(opts.samples);
const ORDERS = Number(opts.orders);
/** The migrations this benchmark applies on the loaded database (the upgrade being measured). */
const MEASURED_MIGRATIONS = /_checkout_refund_check_due_(at|index)$/;

/**
 * The selection before the sweep's indexes (refund-sweep.ts at 0151f6c), on today's rule: since 93c954ae the sweep
 * reads an order refunded in full too, so 0151f6c's join to orders and its `o.status <> 'REFUNDED'` filter are left
 * out (kept, they chose fewer checkouts than the sweep and the ids could not agree).
 */
function oldStatement(now: Date, limit: number): Prisma.Sql {
  const t = sqlUtcNow(now);
  const windows = Object.entries(REFUND_WINDOW_DAYS).map(
    ([provider, days]) => Prisma.sql`(c.provider = ${provider}::"PaymentProvider"
      AND c."createdAt" > ${t} - make_interval(days => ${days}::int))`,
  );
  return Prisma.sql`
    SELECT c.id FROM payment_checkouts c
    WHERE c.state = 'PAID'
      AND (${Prisma.join(windows, ' OR ')})
      AND c."paymentReference" IS NOT NULL
      AND c."createdAt" < ${t} - make_interval(secs => ${REFUND_RECHECK.firstAfterSeconds}::int)
      AND ${dueAgainByAge(t, 'refundCheckedAt', REFUND_RECHECK)}
    ORDER BY c."refundCheckedAt" ASC NULLS FIRST, c."createdAt" ASC
    LIMIT ${limit}::int`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Measure {
  medianMs: number;
  ids: string[];
  plan: string;
  /** Shared buffers hit + read by the whole plan (EXPLAIN BUFFERS, top node). */
  buffers: number;
}

async function measure(c: pg.Client, q: Prisma.Sql): Promise<Measure> {
  const ids = (await c.query<{ id: string }>(q.text, q.values)).rows.map((r) => r.id); // and warm
  const ms: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = performance.now();
    await c.query(q.text, q.values);
    ms.push(performance.now() - t0);
  }
  const plan = (await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${q.text}`, q.values)).rows
    .map((r) => r['QUERY PLAN'])
    .join('\n');
  const top = /Buffers: shared(?: hit=(\d+))?(?: read=(\d+))?/.exec(plan);
  return { medianMs: median(ms), ids, plan, buffers: Number(top?.[1] ?? 0) + Number(top?.[2] ?? 0) };
}

/** A folder holding a copy of every migration but the measured ones, to migrate up to the upgrade. */
async function migrationsBefore(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'll-sweep-migrations-'));
  for (const name of await readdir(MIGRATIONS_DIR)) {
    if (!MEASURED_MIGRATIONS.test(name)) await cp(resolve(MIGRATIONS_DIR, name), join(dir, name), { recursive: true });
  }
  return dir;
}

async function main(): Promise<void> {
  const db = await benchDatabase('ll_sweep', {});
  const out: string[] = [];
  const c = new pg.Client({ connectionString: db.url });
  c.on('error', () => undefined);
  try {
    await migrate(db.url, { dir: await migrationsBefore() });
    await migrateJobQueue(db.url);
    const prisma = createPrisma(db.url, 2);
    await seedDemo(prisma);
    const tenant = await prisma.tenant.findFirstOrThrow();
    await prisma.$disconnect();
    let t0 = performance.now();
    await load(db.url, tenant.id, ORDERS);
    console.log(`load (bench:scale's): ${ORDERS.toLocaleString('en-US')} orders in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    await c.connect();
    t0 = performance.now();
    await c.query('BEGIN');
    await c.query('SET LOCAL session_replication_role = replica');
    await c.query(
      `INSERT INTO payment_connections (id, "tenantId", provider, environment, "updatedAt")
       SELECT 'pcn_bench_' || p, $1, p::"PaymentProvider", 'sandbox', now() FROM unnest(ARRAY['PAYPAL', 'SQUARE', 'BTCPAY']) p
       ON CONFLICT ("tenantId", provider) DO NOTHING`,
      [tenant.id],
    );
    // g: the order's sequence number in the load (its number - 1000); its status decides whether it was paid.
    await c.query(
      `INSERT INTO payment_checkouts (id, "tenantId", "orderId", "connectionId", provider, method, "providerCheckoutId", "amountCents",
         currency, "orderVersion", state, "paidAmountCents", "paymentReference", "createdAt", "updatedAt")
       SELECT 'chk_bench' || o.number, o."tenantId", o.id, cn.id, cn.provider, 'VENMO_P2P', 'bench_' || o.number, o."totalCents", 'USD', 1,
         'PAID', o."totalCents", 'cap_' || o.number, o."createdAt", o."createdAt"
       FROM orders o
       JOIN payment_connections cn ON cn."tenantId" = o."tenantId"
         AND cn.provider = (CASE WHEN o.number % 20 < 4 THEN 'PAYPAL' WHEN o.number % 20 < 8 THEN 'SQUARE' WHEN o.number % 20 = 8 THEN 'BTCPAY' END)::"PaymentProvider"
       WHERE o."tenantId" = $1 AND o.status NOT IN ('PENDING_PAYMENT', 'CANCELLED')`,
      [tenant.id],
    );
    await c.query('COMMIT');
    await c.query('VACUUM ANALYZE payment_checkouts, payment_connections');
    const counts = (
      await c.query<{ provider: string; all: number; in_window: number }>(
        `SELECT provider::text, count(*)::int AS all,
           count(*) FILTER (WHERE "createdAt" > (now() AT TIME ZONE 'UTC') - CASE provider WHEN 'PAYPAL' THEN interval '210 days' ELSE interval '367 days' END)::int AS in_window
         FROM payment_checkouts GROUP BY 1 ORDER BY 1`,
      )
    ).rows;
    console.log(
      `checkouts (PAID) in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${counts.map((r) => `${r.provider} ${r.all.toLocaleString('en-US')} (${r.in_window.toLocaleString('en-US')} in the last 210/367 days)`).join(', ')}`,
    );

    // 1. The upgrade: the two migrations, by the runner the start command uses.
    t0 = performance.now();
    const applied = await migrate(db.url);
    const migrateS = (performance.now() - t0) / 1000;
    const rows = (
      await c.query<{ migration_name: string; seconds: number }>(
        `SELECT migration_name, extract(epoch FROM finished_at - started_at)::float8 AS seconds FROM _prisma_migrations
         WHERE migration_name = ANY($1) ORDER BY migration_name`,
        [applied],
      )
    ).rows;
    console.log(
      `migrate: ${applied.join(', ')} in ${migrateS.toFixed(1)} s in all (the CONCURRENTLY builds before each transaction included); each transaction: ${rows.map((r) => `${r.migration_name.replace(/^\d+_/, '')} ${r.seconds.toFixed(3)} s`).join(', ')}`,
    );
    await c.query('ANALYZE payment_checkouts');

    const now = new Date();
    const report = async (state: string) => {
      const before = await measure(c, oldStatement(now, REFUND_SWEEP_RUN_LIMIT));
      const after = await measure(c, dueRefundReadsSql(now, REFUND_SWEEP_RUN_LIMIT, sqlUtcNow(now)));
      // The whole due set, to compare more than a run's 100.
      const allBefore = (await c.query<{ id: string }>(oldStatement(now, 1_000_000).text, oldStatement(now, 1_000_000).values)).rows;
      const allAfterSql = dueRefundReadsSql(now, 1_000_000, sqlUtcNow(now));
      const allAfter = (await c.query<{ id: string }>(allAfterSql.text, allAfterSql.values)).rows;
      const same = (a: { id: string }[] | string[], b: { id: string }[] | string[]) =>
        JSON.stringify(a.map((x) => (typeof x === 'string' ? x : x.id))) ===
        JSON.stringify(b.map((x) => (typeof x === 'string' ? x : x.id)));
      const agree = same(before.ids, after.ids) && same(allBefore, allAfter);
      console.log(
        `\n${state}: due now ${allAfter.length.toLocaleString('en-US')} (old statement: ${allBefore.length.toLocaleString('en-US')}); a run's ${REFUND_SWEEP_RUN_LIMIT} and the whole due set ${agree ? 'are the same checkouts in the same order' : 'DIFFER'}`,
      );
      console.log(`  ${'statement'.padEnd(44)} ${'median ms'.padStart(10)} ${'buffers'.padStart(9)}`);
      console.log(
        `  ${'old: (state, createdAt) + due test per row'.padEnd(44)} ${before.medianMs.toFixed(2).padStart(10)} ${String(before.buffers).padStart(9)}`,
      );
      console.log(
        `  ${'new: never-read + due-at indexes'.padEnd(44)} ${after.medianMs.toFixed(2).padStart(10)} ${String(after.buffers).padStart(9)}`,
      );
      console.log(
        `  ratio new/old: time ${(after.medianMs / before.medianMs).toFixed(3)}, buffers ${(after.buffers / before.buffers).toFixed(3)}`,
      );
      out.push(
        `## ${state}\n\n### old statement\n\n\`\`\`\n${before.plan}\n\`\`\`\n\n### new statement\n\n\`\`\`\n${after.plan}\n\`\`\`\n`,
      );
      if (!agree) throw new Error(`${state}: the old and new statements chose different checkouts`);
      return after.medianMs / before.medianMs;
    };
    await report('upgrade day (no checkout read yet)');

    // 3. Steady state: each checkout inside its window last read a share u of its interval ago (u < 1: not due;
    // 1 <= u < 1 + 5 min / interval: due within the last run's 5 minutes), as the sweep leaves them.
    const t = sqlUtcNow(now);
    const interval = Prisma.sql`LEAST(${REFUND_RECHECK.maxSeconds}::int, GREATEST(${REFUND_RECHECK.minSeconds}::int,
      EXTRACT(EPOCH FROM (${t} - c."createdAt")) / ${REFUND_RECHECK.ageDivisor}::int))`;
    const u = Prisma.sql`(hashtext(c.id)::float8 / 4294967296 + 0.5) * (1 + 300 / ${interval})`;
    const windowDays = Prisma.sql`CASE c.provider WHEN 'PAYPAL' THEN 210 ELSE 367 END`;
    const readAt = Prisma.sql`GREATEST(c."createdAt" + make_interval(secs => ${REFUND_RECHECK.firstAfterSeconds}::int),
      LEAST(${t}, c."createdAt" + make_interval(days => ${windowDays})) - make_interval(secs => ${u} * ${interval}))`;
    t0 = performance.now();
    const set = Prisma.sql`UPDATE payment_checkouts c SET "refundCheckedAt" = ${readAt}
      WHERE c.provider IN ('PAYPAL', 'SQUARE') AND c."createdAt" < ${t} - make_interval(secs => ${REFUND_RECHECK.firstAfterSeconds + 300}::int)`;
    await c.query(set.text, set.values);
    const due = Prisma.sql`UPDATE payment_checkouts c SET "refundCheckDueAt" = ${refundCheckDueAt(Prisma.sql`c."refundCheckedAt"`)}
      WHERE c."refundCheckedAt" IS NOT NULL`;
    await c.query(due.text, due.values);
    await c.query('VACUUM ANALYZE payment_checkouts');
    console.log(
      `\nsteady state written (refundCheckedAt, refundCheckDueAt by the app's rule) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const ratio = await report('steady state (months of sweeps)');
    if (opts.explain) {
      writeFileSync(opts.explain, out.join('\n'));
      console.log(`plans written to ${opts.explain}`);
    }
    console.log(`\nnew/old median at steady state: ${ratio.toFixed(3)}`);
  } finally {
    await c.end().catch(() => undefined);
    await db.cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`bench failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
