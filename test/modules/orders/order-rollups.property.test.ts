// Property: whatever mix of order writes happens (orders placed, paid, rejected, cancelled, refunded in part or
// in full, edited, moved to another day or time, deleted; some of them concurrently; the daily fold of the
// rollups' slots between and during them; the shop changing its currency, an order's currency changed by hand),
// the per-day and per-quarter-hour-and-currency rollups the order triggers keep equal a full recount of the
// orders, and the dashboard (which reads only the rollups) shows what a scan of the orders would, by the days of
// the shop's time zone, each currency apart.
//
// Bounded for CI: a fixed seed (FUZZ_SEED=<n> picks another, FUZZ_RUNS=<n> runs more), so a run of CI draws the same
// cases as the run before it and fails only on a change, not on a draw. fast-check prints the seed and the failing
// case; a case that once failed is kept in KNOWN_CASES below and runs first on every run, whatever the seed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prisma } from '../../../src/generated/prisma/index.js';
import { AppError } from '../../../src/platform/errors.js';
import { foldRollupSlots } from '../../../src/modules/orders/index.js';
import { systemClock } from '../../../src/platform/clock.js';
import { dashboardData } from '../../../src/surfaces/admin/dashboard/dashboard.handler.js';
import { factories } from '../../helpers/factories.js';
import { testDb, testSql } from '../../helpers/db.js';
import { adminCtx, afterSale } from '../refunds/after-sale.harness.js';

const db = testDb(30);
const sql = testSql();
const s = afterSale(db);
const f = factories(db);
const NOW = new Date();
const DAY = 86_400_000;
const MINUTE = 60_000;

type Op =
  | { kind: 'place'; daysAgo: number; minutes: number; cents: number }
  | { kind: 'confirm' | 'reject' | 'cancel' | 'delete' | 'refundFull'; at: number }
  | { kind: 'refund'; at: number; cents: number }
  | { kind: 'move'; at: number; daysAgo: number; minutes: number }
  | { kind: 'concurrent'; n: number }
  | { kind: 'fold' }
  | { kind: 'changeCurrency' }
  | { kind: 'orderCurrency'; at: number };

const at = fc.nat({ max: 20 });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('place' as const),
      daysAgo: fc.nat({ max: 40 }),
      minutes: fc.nat({ max: 1439 }),
      cents: fc.integer({ min: 100, max: 20_000 }),
    }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      kind: fc.constantFrom('confirm' as const, 'reject' as const, 'cancel' as const, 'delete' as const, 'refundFull' as const),
      at,
    }),
    weight: 6,
  },
  { arbitrary: fc.record({ kind: fc.constant('refund' as const), at, cents: fc.integer({ min: 1, max: 5_000 }) }), weight: 3 },
  {
    arbitrary: fc.record({ kind: fc.constant('move' as const), at, daysAgo: fc.nat({ max: 40 }), minutes: fc.nat({ max: 1439 }) }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('concurrent' as const), n: fc.integer({ min: 2, max: 6 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('fold' as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('changeCurrency' as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('orderCurrency' as const), at }), weight: 1 },
);

/** Shops' time zones, with whole, half and quarter hour offsets, on both sides of UTC, with and without DST. */
const zone = fc.constantFrom('UTC', 'America/Los_Angeles', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Adelaide', 'Pacific/Auckland');

/** The day of `at` in `timeZone`, YYYY-MM-DD. */
const dayIn = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

/**
 * Cases that failed once, run first on every run (fast-check's `examples`):
 * - CI, stop 53 (seed 1932554098): one USD order; the shop moves to EUR; the order paid, then refunded in full. The
 *   dashboard shows the refunded currency's period (its sales were made), and the test expected only net money.
 */
const KNOWN_CASES: [string, Op[]][] = [
  [
    'UTC',
    [
      { kind: 'place', daysAgo: 0, minutes: 0, cents: 1000 },
      { kind: 'changeCurrency' },
      { kind: 'confirm', at: 0 },
      { kind: 'refundFull', at: 0 },
    ],
  ],
];

/** Business refusals (paying a cancelled order, refunding more than is left ...) are part of the mix. */
async function attempt(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
  }
}

async function rollups(tenantId: string) {
  return db.$queryRaw<{ day: string; status: string; orders: number; total: bigint; refunded: bigint }[]>(Prisma.sql`
    SELECT to_char(day, 'YYYY-MM-DD') AS day, status::text AS status, sum(orders)::int AS orders, sum("totalCents")::bigint AS total, sum("refundedCents")::bigint AS refunded
    FROM order_daily_rollups WHERE "tenantId" = ${tenantId} GROUP BY 1, 2 HAVING sum(orders) <> 0 OR sum("totalCents") <> 0 OR sum("refundedCents") <> 0 ORDER BY 1, 2`);
}

async function salesRollups(tenantId: string) {
  return db.$queryRaw<{ at: string; status: string; orders: number; total: bigint; refunded: bigint }[]>(Prisma.sql`
    SELECT to_char("quarterHour", 'YYYY-MM-DD HH24:MI') AS at, status::text AS status, currency::text AS currency, sum(orders)::int AS orders, sum("totalCents")::bigint AS total, sum("refundedCents")::bigint AS refunded
    FROM order_currency_sales_rollups WHERE "tenantId" = ${tenantId} GROUP BY 1, 2, 3 HAVING sum(orders) <> 0 OR sum("totalCents") <> 0 OR sum("refundedCents") <> 0 ORDER BY 1, 2, 3`);
}

async function salesRecount(tenantId: string) {
  return db.$queryRaw<{ at: string; status: string; orders: number; total: bigint; refunded: bigint }[]>(Prisma.sql`
    SELECT to_char(date_trunc('hour', "createdAt") + floor(extract(minute FROM "createdAt") / 15) * interval '15 minutes', 'YYYY-MM-DD HH24:MI') AS at,
      status::text AS status, currency::text AS currency, count(*)::int AS orders, sum("totalCents")::bigint AS total, sum("refundedTotalCents")::bigint AS refunded
    FROM orders WHERE "tenantId" = ${tenantId} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
}

async function recount(tenantId: string) {
  return db.$queryRaw<{ day: string; status: string; orders: number; total: bigint; refunded: bigint }[]>(Prisma.sql`
    SELECT to_char("createdAt"::date, 'YYYY-MM-DD') AS day, status::text AS status, count(*)::int AS orders, sum("totalCents")::bigint AS total, sum("refundedTotalCents")::bigint AS refunded
    FROM orders WHERE "tenantId" = ${tenantId} GROUP BY 1, 2 ORDER BY 1, 2`);
}

describe('order daily rollups (property-based)', () => {
  it('equal a full recount after any mix of order, payment and refund writes', async () => {
    await fc.assert(
      fc.asyncProperty(zone, fc.array(op, { minLength: 1, maxLength: 14 }), async (timeZone, ops) => {
        const { tenant, customer } = await f.shop({ tenant: { timeZone } });
        const ctx = adminCtx(tenant.id);
        const product = await f.product({ tenantId: tenant.id, unitPriceCents: 1000 });
        const orders: string[] = [];
        let currency = 'USD';
        const place = async (daysAgo: number, minutes: number, cents: number) => {
          const o = await f.order({
            tenantId: tenant.id,
            customerId: customer.id,
            currency,
            createdAt: new Date(NOW.getTime() - daysAgo * DAY - minutes * MINUTE),
            lines: [{ productId: product.id, quantity: 1, unitPriceCents: cents }],
          });
          orders.push(o.id);
          return o.id;
        };
        const pick = (i: number) => orders[i % Math.max(orders.length, 1)];
        for (const o of ops) {
          const id = 'at' in o ? pick(o.at) : undefined;
          if (o.kind === 'place') await place(o.daysAgo, o.minutes, o.cents);
          else if (o.kind === 'concurrent') {
            // Placed and paid on several connections at once (their rollup rows may be different slots), while
            // the daily fold runs.
            const ids = await Promise.all(Array.from({ length: o.n }, (_, i) => place(i % 3, i * 7, 1000 + i)));
            await Promise.all([
              ...ids.map((x) => attempt(() => s.payments.confirm(ctx, { orderId: x }))),
              foldRollupSlots({ sql, clock: systemClock }),
            ]);
          } else if (o.kind === 'fold') {
            await foldRollupSlots({ sql, clock: systemClock });
          } else if (o.kind === 'changeCurrency') {
            // The shop changes its currency: its orders keep theirs, later ones are in the new one.
            currency = currency === 'USD' ? 'EUR' : 'USD';
            await db.tenant.update({ where: { id: tenant.id }, data: { currency } });
          } else if (!id) continue;
          else if (o.kind === 'orderCurrency') {
            // An order's currency changed by hand (a script): its money moves to the other currency's figures.
            const order = await db.order.findFirst({ where: { id }, select: { currency: true } });
            if (order) await db.order.update({ where: { id }, data: { currency: order.currency === 'USD' ? 'EUR' : 'USD' } });
          } else if (o.kind === 'confirm') await attempt(() => s.payments.confirm(ctx, { orderId: id }));
          else if (o.kind === 'reject') {
            const payment = await db.payment.findFirst({ where: { orderId: id } });
            if (payment) await attempt(() => s.payments.reject(ctx, { paymentId: payment.id, reason: 'not received' }));
          } else if (o.kind === 'cancel') {
            // A paid order's cancel refunds what is left of it, which the admin confirms (cancel-refund-consent.ts).
            const left = await db.order.findFirst({ where: { id }, select: { totalCents: true, refundedTotalCents: true } });
            const confirmRefundCents = left ? left.totalCents - left.refundedTotalCents : undefined;
            await attempt(() => s.orderAdmin.cancel(ctx, id, { confirmRefundCents }));
          } else if (o.kind === 'delete') await attempt(() => s.orderAdmin.delete(ctx, id));
          else if (o.kind === 'refundFull') await attempt(() => s.refunds.refund(ctx, id, {}));
          else if (o.kind === 'refund') await attempt(() => s.refunds.refund(ctx, id, { amountCents: o.cents }));
          else if (o.kind === 'move')
            await db.order.updateMany({
              where: { id, tenantId: tenant.id },
              data: { createdAt: new Date(NOW.getTime() - o.daysAgo * DAY - o.minutes * MINUTE) },
            });
        }

        expect(await rollups(tenant.id)).toEqual(await recount(tenant.id));
        expect(await salesRollups(tenant.id)).toEqual(await salesRecount(tenant.id));

        // The dashboard, from the rollups, against the same figures from a scan of the orders.
        const dash = await dashboardData(
          db,
          { id: 'adm_x', email: 'a@x', title: 'a', role: 'TENANT_ADMIN', tenantId: tenant.id } as never,
          NOW,
        );
        const all = await db.order.findMany({ where: { tenantId: tenant.id } });
        for (const status of ['PENDING_PAYMENT', 'PAID', 'CANCELLED', 'REFUNDED', 'PARTIALLY_REFUNDED']) {
          expect(dash.byStatus?.find((b) => b.status === status)?.count).toBe(all.filter((x) => x.status === status).length);
        }
        expect(dash.timeZone).toBe(timeZone);
        expect(dash.salesByDay?.at(-1)?.day).toBe(dayIn(NOW, timeZone));
        // Each currency apart: the shop's own first, then each other one with money in the 30 days.
        const firstDay = dash.salesByDay![0]!.day;
        const sales = all.filter((x) => !['PENDING_PAYMENT', 'CANCELLED'].includes(x.status));
        const inPeriod = sales.filter((x) => dayIn(x.createdAt, timeZone) >= firstDay);
        // Another currency is shown when the period has sales in it: a paid order, refunded or not (one whose orders
        // were all refunded nets zero, and its orders still count: dashboard.handler.ts salesPerCurrency). The test
        // said "net money" after the dashboard had changed; a random run of USD paid, then refunded in full after the
        // shop moved to EUR, found it.
        const others = [...new Set(inPeriod.map((x) => x.currency))].filter((c) => c !== currency).sort();
        expect(dash.sales?.map((c) => c.currency)).toEqual([currency, ...others]);
        expect(dash.salesByDay).toEqual(dash.sales![0]!.days);
        for (const c of dash.sales ?? []) {
          for (const day of c.days) {
            const sold = sales.filter((x) => x.currency === c.currency && dayIn(x.createdAt, timeZone) === day.day);
            expect({ currency: c.currency, day: day.day, orders: day.orders, net: day.netCents }).toEqual({
              currency: c.currency,
              day: day.day,
              orders: sold.length,
              net: sold.reduce((sum, x) => sum + x.totalCents - x.refundedTotalCents, 0),
            });
          }
        }
      }),
      {
        numRuns: Number(process.env.FUZZ_RUNS ?? 25),
        seed: Number(process.env.FUZZ_SEED ?? 20261206),
        examples: KNOWN_CASES,
        endOnFailure: true,
      },
    );
  }, 450_000);

  it('deleting a shop takes its rollups with it (the order triggers do not get in the way)', async () => {
    const { tenant, customer } = await f.shop();
    for (let i = 0; i < 3; i++) await f.order({ tenantId: tenant.id, customerId: customer.id });
    expect((await rollups(tenant.id)).reduce((n, r) => n + r.orders, 0)).toBe(3);
    await db.tenant.delete({ where: { id: tenant.id } });
    expect(await db.orderDailyRollup.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await db.orderCurrencySalesRollup.count({ where: { tenantId: tenant.id } })).toBe(0);
  });

  it("puts each sale on the shop's own day, not UTC's, whatever its offset", async () => {
    // Until 2026-12-04 the dashboard's days were UTC days: a Los Angeles shop's evening sales showed on the next day.
    const now = new Date('2026-12-04T12:00:00Z');
    const cases = [
      // [zone, the order's instant, the shop's day it belongs to]
      ['America/Los_Angeles', '2026-12-04T07:30:00Z', '2026-12-03'], // 23:30 PST
      ['America/Los_Angeles', '2026-12-04T08:00:00Z', '2026-12-04'], // 00:00 PST
      ['Asia/Kolkata', '2026-12-03T18:20:00Z', '2026-12-03'], // 23:50 IST (+05:30)
      ['Asia/Kolkata', '2026-12-03T18:40:00Z', '2026-12-04'], // 00:10 IST
      ['Asia/Kathmandu', '2026-12-03T18:10:00Z', '2026-12-03'], // 23:55 NPT (+05:45)
      ['Asia/Kathmandu', '2026-12-03T18:20:00Z', '2026-12-04'], // 00:05 NPT
      ['America/Los_Angeles', '2026-11-05T07:59:00Z', null], // 23:59 PST on the day before the 30 days
      ['America/Los_Angeles', '2026-11-05T08:00:00Z', '2026-11-05'], // the first of the 30 days
    ] as const;
    for (const [timeZone, at, day] of cases) {
      const { tenant, customer } = await f.shop({ tenant: { timeZone } });
      await f.order({
        tenantId: tenant.id,
        customerId: customer.id,
        status: 'PAID',
        paymentStatus: 'paid',
        createdAt: new Date(at),
        totalCents: 1234,
      });
      const dash = await dashboardData(
        db,
        { id: 'adm_x', email: 'a@x', title: 'a', role: 'TENANT_ADMIN', tenantId: tenant.id } as never,
        now,
      );
      expect(dash.salesByDay?.at(-1)?.day, timeZone).toBe(dayIn(now, timeZone));
      const withSales = (dash.salesByDay ?? []).filter((d) => d.orders > 0).map((d) => [d.day, d.orders, d.netCents]);
      expect(withSales, `${timeZone} ${at}`).toEqual(day ? [[day, 1, 1234]] : []);
    }
  });
});
