// Data of the panel's dashboard for the signed-in admin's tenant: net sales per day over the last 30 days
// (paid orders, refunds subtracted, by order date in UTC) and the number of orders in each status.
// Read from the order_daily_rollups the order triggers maintain, always filtered by the tenant from the session.
import type { PageHandler } from 'adminjs';
import type { Db } from '../../../platform/db/prisma.js';
import { formatMoney } from '../../../platform/money.js';
import type { PanelAdmin } from '../auth/panel-admin.js';
import { dashboardView, type DashboardData } from './dashboard-view.js';

export const DASHBOARD_DAYS = 30;

export type { DashboardData } from './dashboard-view.js';

const STATUSES = ['PENDING_PAYMENT', 'PAID', 'FULFILLING', 'SHIPPED', 'COMPLETE', 'CANCELLED', 'REFUNDED', 'PARTIALLY_REFUNDED'];

export async function dashboardData(db: Db, admin: PanelAdmin | undefined, now = new Date()): Promise<DashboardData> {
  if (!admin) return { kind: 'none' };
  if (admin.role === 'PLATFORM_ADMIN') return { kind: 'platform', tenants: await db.tenant.count() };
  if (!admin.tenantId) return { kind: 'none' };
  const tenantId = admin.tenantId;
  const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { name: true, currency: true } });

  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const firstDay = new Date(today - (DASHBOARD_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  // Both figures come from the per-day rollups the order triggers keep (docs/decisions/dashboard-rollups.md):
  // a few hundred rows per tenant-year at most, never a scan of the orders.
  const rows = await db.$queryRaw<{ day: string; orders: number; net: bigint }[]>`
    SELECT to_char(day, 'YYYY-MM-DD') AS day,
           sum(orders)::int AS orders,
           coalesce(sum("totalCents" - "refundedCents"), 0)::bigint AS net
    FROM order_daily_rollups
    WHERE "tenantId" = ${tenantId}
      AND status NOT IN ('PENDING_PAYMENT', 'CANCELLED')
      AND day >= ${firstDay}::date
    GROUP BY day
    HAVING sum(orders) <> 0`;
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const salesByDay: NonNullable<DashboardData['salesByDay']> = [];
  for (let i = DASHBOARD_DAYS - 1; i >= 0; i--) {
    const day = new Date(today - i * 86_400_000).toISOString().slice(0, 10);
    const r = byDay.get(day);
    const netCents = r ? Number(r.net) : 0;
    salesByDay.push({ day, orders: r?.orders ?? 0, netCents, net: formatMoney(netCents, tenant.currency) });
  }

  const grouped = await db.$queryRaw<{ status: string; count: number }[]>`
    SELECT status::text AS status, sum(orders)::int AS count FROM order_daily_rollups WHERE "tenantId" = ${tenantId} GROUP BY status`;
  const counts = new Map(grouped.map((g) => [g.status, g.count]));
  const byStatus = STATUSES.map((status) => ({ status, count: counts.get(status) ?? 0 }));
  const netTotal = salesByDay.reduce((s, d) => s + d.netCents, 0);

  return {
    kind: 'tenant',
    tenantName: tenant.name,
    currency: tenant.currency,
    salesByDay,
    byStatus,
    totals: {
      orders: salesByDay.reduce((s, d) => s + d.orders, 0),
      net: formatMoney(netTotal, tenant.currency),
      pendingPayment: counts.get('PENDING_PAYMENT') ?? 0,
    },
  };
}

// Statuses in words on their badge colours (dashboard-view.ts).
export function dashboardHandler(db: Db): PageHandler {
  return async (_request, _response, context) => dashboardView(await dashboardData(db, context.currentAdmin as PanelAdmin | undefined));
}
