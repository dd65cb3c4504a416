// Data of the panel's dashboard for the signed-in admin's tenant: net sales per day over the last 30 days
// (paid orders, refunds subtracted, by order date in UTC) and the number of orders in each status.
// Read-only aggregate queries, always filtered by the tenant from the session.
import type { PageHandler } from 'adminjs';
import type { Db } from '../../../platform/db/prisma.js';
import { formatMoney } from '../../../platform/money.js';
import type { PanelAdmin } from '../auth/panel-admin.js';
import { dashboardView } from './dashboard-view.js';

export const DASHBOARD_DAYS = 30;

export interface DashboardData {
  kind: 'tenant' | 'platform' | 'none';
  tenantName?: string;
  currency?: string;
  salesByDay?: { day: string; orders: number; netCents: number; net: string }[];
  byStatus?: { status: string; count: number }[];
  totals?: { orders: number; net: string; pendingPayment: number };
  tenants?: number;
}

const STATUSES = ['PENDING_PAYMENT', 'PAID', 'FULFILLING', 'SHIPPED', 'COMPLETE', 'CANCELLED', 'REFUNDED', 'PARTIALLY_REFUNDED'];

export async function dashboardData(db: Db, admin: PanelAdmin | undefined, now = new Date()): Promise<DashboardData> {
  if (!admin) return { kind: 'none' };
  if (admin.role === 'PLATFORM_ADMIN') return { kind: 'platform', tenants: await db.tenant.count() };
  if (!admin.tenantId) return { kind: 'none' };
  const tenantId = admin.tenantId;
  const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { name: true, currency: true } });

  const rows = await db.$queryRaw<{ day: string; orders: number; net: bigint }[]>`
    SELECT to_char(date_trunc('day', "createdAt"), 'YYYY-MM-DD') AS day,
           count(*)::int AS orders,
           coalesce(sum("totalCents" - "refundedTotalCents"), 0)::bigint AS net
    FROM orders
    WHERE "tenantId" = ${tenantId}
      AND status NOT IN ('PENDING_PAYMENT', 'CANCELLED')
      AND "createdAt" >= date_trunc('day', now() AT TIME ZONE 'UTC') - make_interval(days => ${DASHBOARD_DAYS - 1})
    GROUP BY 1`;
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const salesByDay: NonNullable<DashboardData['salesByDay']> = [];
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  for (let i = DASHBOARD_DAYS - 1; i >= 0; i--) {
    const day = new Date(today - i * 86_400_000).toISOString().slice(0, 10);
    const r = byDay.get(day);
    const netCents = r ? Number(r.net) : 0;
    salesByDay.push({ day, orders: r?.orders ?? 0, netCents, net: formatMoney(netCents, tenant.currency) });
  }

  const grouped = await db.order.groupBy({ by: ['status'], where: { tenantId }, _count: { _all: true } });
  const counts = new Map(grouped.map((g) => [g.status as string, g._count._all]));
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
