// The dashboard's data as the page shows it: each order status in words on its badge colours
// (presentation/labels.ts, the same as the orders list), so the browser never shows an enum name.
import type { OrderStatus } from '../../../generated/prisma/index.js';
import { labelOf, ORDER_STATUS_BADGES, ORDER_STATUS_LABELS, type BadgeColours } from '../presentation/labels.js';

/** What the dashboard handler reads for one admin (dashboard.handler.ts). */
export interface DashboardData {
  kind: 'tenant' | 'platform' | 'none';
  tenantName?: string;
  currency?: string;
  /** The shop's time zone: the days of salesByDay are its days. */
  timeZone?: string;
  /** Where the shop's time zone is changed (its Settings form); only for an admin who may change it. */
  timeZoneSettingsUrl?: string;
  salesByDay?: { day: string; orders: number; netCents: number; net: string }[];
  byStatus?: { status: string; count: number }[];
  totals?: { orders: number; net: string; pendingPayment: number };
  tenants?: number;
}

export type DashboardView = Omit<DashboardData, 'byStatus'> & {
  byStatus?: { status: string; count: number; label: string; badge: BadgeColours | null }[];
};

export function dashboardView(data: DashboardData): DashboardView {
  if (!data.byStatus) return data as DashboardView;
  return {
    ...data,
    byStatus: data.byStatus.map((r) => ({
      ...r,
      label: labelOf(ORDER_STATUS_LABELS satisfies Record<OrderStatus, string>, r.status),
      badge: ORDER_STATUS_BADGES[r.status as OrderStatus] ?? null,
    })),
  };
}
