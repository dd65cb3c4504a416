// Property: whatever mix of order writes happens (orders placed, paid, rejected, cancelled, refunded in part or
// in full, edited, moved to another day, deleted; some of them concurrently), the per-day rollups the order
// triggers keep equal a full recount of the orders, and the dashboard (which reads only the rollups) shows
// what a scan of the orders would.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prisma } from '../../../src/generated/prisma/index.js';
import { AppError } from '../../../src/platform/errors.js';
import { dashboardData } from '../../../src/surfaces/admin/dashboard/dashboard.handler.js';
import { factories } from '../../helpers/factories.js';
import { testDb } from '../../helpers/db.js';
import { adminCtx, afterSale } from '../refunds/after-sale.harness.js';

const db = testDb(30);
const s = afterSale(db);
const f = factories(db);
const NOW = new Date();
const DAY = 86_400_000;

type Op =
  | { kind: 'place'; daysAgo: number; cents: number }
  | { kind: 'confirm' | 'reject' | 'cancel' | 'delete' | 'refundFull'; at: number }
  | { kind: 'refund'; at: number; cents: number }
  | { kind: 'move'; at: number; daysAgo: number }
  | { kind: 'concurrent'; n: number };

const at = fc.nat({ max: 20 });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('place' as const),
      daysAgo: fc.nat({ max: 40 }),
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
  { arbitrary: fc.record({ kind: fc.constant('move' as const), at, daysAgo: fc.nat({ max: 40 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('concurrent' as const), n: fc.integer({ min: 2, max: 6 }) }), weight: 1 },
);

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

async function recount(tenantId: string) {
  return db.$queryRaw<{ day: string; status: string; orders: number; total: bigint; refunded: bigint }[]>(Prisma.sql`
    SELECT to_char("createdAt"::date, 'YYYY-MM-DD') AS day, status::text AS status, count(*)::int AS orders, sum("totalCents")::bigint AS total, sum("refundedTotalCents")::bigint AS refunded
    FROM orders WHERE "tenantId" = ${tenantId} GROUP BY 1, 2 ORDER BY 1, 2`);
}

describe('order daily rollups (property-based)', () => {
  it('equal a full recount after any mix of order, payment and refund writes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
        const { tenant, customer } = await f.shop();
        const ctx = adminCtx(tenant.id);
        const product = await f.product({ tenantId: tenant.id, unitPriceCents: 1000 });
        const orders: string[] = [];
        const place = async (daysAgo: number, cents: number) => {
          const o = await f.order({
            tenantId: tenant.id,
            customerId: customer.id,
            createdAt: new Date(NOW.getTime() - daysAgo * DAY),
            lines: [{ productId: product.id, quantity: 1, unitPriceCents: cents }],
          });
          orders.push(o.id);
          return o.id;
        };
        const pick = (i: number) => orders[i % Math.max(orders.length, 1)];
        for (const o of ops) {
          const id = 'at' in o ? pick(o.at) : undefined;
          if (o.kind === 'place') await place(o.daysAgo, o.cents);
          else if (o.kind === 'concurrent') {
            // Placed and paid on several connections at once (their rollup rows may be different slots).
            const ids = await Promise.all(Array.from({ length: o.n }, (_, i) => place(i % 3, 1000 + i)));
            await Promise.all(ids.map((x) => attempt(() => s.payments.confirm(ctx, { orderId: x }))));
          } else if (!id) continue;
          else if (o.kind === 'confirm') await attempt(() => s.payments.confirm(ctx, { orderId: id }));
          else if (o.kind === 'reject') {
            const payment = await db.payment.findFirst({ where: { orderId: id } });
            if (payment) await attempt(() => s.payments.reject(ctx, { paymentId: payment.id, reason: 'not received' }));
          } else if (o.kind === 'cancel') await attempt(() => s.orderAdmin.cancel(ctx, id));
          else if (o.kind === 'delete') await attempt(() => s.orderAdmin.delete(ctx, id));
          else if (o.kind === 'refundFull') await attempt(() => s.refunds.refund(ctx, id, {}));
          else if (o.kind === 'refund') await attempt(() => s.refunds.refund(ctx, id, { amountCents: o.cents }));
          else if (o.kind === 'move')
            await db.order.updateMany({
              where: { id, tenantId: tenant.id },
              data: { createdAt: new Date(NOW.getTime() - o.daysAgo * DAY) },
            });
        }

        expect(await rollups(tenant.id)).toEqual(await recount(tenant.id));

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
        for (const day of dash.salesByDay ?? []) {
          const sold = all.filter(
            (x) => x.createdAt.toISOString().slice(0, 10) === day.day && !['PENDING_PAYMENT', 'CANCELLED'].includes(x.status),
          );
          expect({ day: day.day, orders: day.orders, net: day.netCents }).toEqual({
            day: day.day,
            orders: sold.length,
            net: sold.reduce((sum, x) => sum + x.totalCents - x.refundedTotalCents, 0),
          });
        }
      }),
      { numRuns: 25 },
    );
  }, 450_000);

  it('deleting a shop takes its rollups with it (the order triggers do not get in the way)', async () => {
    const { tenant, customer } = await f.shop();
    for (let i = 0; i < 3; i++) await f.order({ tenantId: tenant.id, customerId: customer.id });
    expect((await rollups(tenant.id)).reduce((n, r) => n + r.orders, 0)).toBe(3);
    await db.tenant.delete({ where: { id: tenant.id } });
    expect(await db.orderDailyRollup.count({ where: { tenantId: tenant.id } })).toBe(0);
  });
});
