// The dashboard's data as the page shows it: each order status in words on its badge colours
// (presentation/labels.ts, the same as the orders list), so the browser never shows an enum name; and each gap
// of the "Before your first order" checklist (modules/tenants/shop-readiness.query.ts) as one sentence with
// the panel page that fixes it.
import type { OrderStatus } from '../../../generated/prisma/index.js';
import type { ReadinessGap } from '../../../modules/tenants/shop-readiness.query.js';
import { labelOf, ORDER_STATUS_BADGES, ORDER_STATUS_LABELS, type BadgeColours } from '../presentation/labels.js';
import { readinessItems, type ReadinessItem, type ReadinessLinks } from './readiness-items.js';
import { countWords } from '../../../platform/count-words.js';
import type { MoneyToReturnItem } from './money-to-return.js';

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
  /** What the shop still lacks before a customer can order (a shop's admin or staff only). */
  readiness?: ReadinessGap[];
  /** Deleted orders' money an admin must return by hand (a shop's admin or staff only; money-to-return.ts). */
  moneyToReturn?: { items: MoneyToReturnItem[]; canMark: boolean };
  /** The shop chose its server's administrators as its admins (no admin role): who, when; an admin may undo it. */
  serverAdminsOnly?: { text: string; undoUrl?: string };
}

export type DashboardView = Omit<DashboardData, 'byStatus' | 'readiness'> & {
  /** The counts in words ("1 paid order", "2 orders awaiting payment", "3 shops"): the component says them as sent. */
  words?: { paidOrders?: string; awaitingPayment?: string; shops?: string };
  byStatus?: { status: string; count: number; label: string; badge: BadgeColours | null }[];
  /** The checklist: empty when the shop lacks nothing. `canFix`: the admin may open the pages that fix them. */
  readiness?: { items: ReadinessItem[]; canFix: boolean };
};

/** `links`: the pages that fix each gap, for an admin who may change them (null: staff, shown no links). */
export function dashboardView(data: DashboardData, links: ReadinessLinks | null = null): DashboardView {
  const { readiness, byStatus, ...rest } = data;
  return {
    ...rest,
    ...(byStatus && {
      byStatus: byStatus.map((r) => ({
        ...r,
        label: labelOf(ORDER_STATUS_LABELS satisfies Record<OrderStatus, string>, r.status),
        badge: ORDER_STATUS_BADGES[r.status as OrderStatus] ?? null,
      })),
    }),
    ...(readiness && { readiness: { items: readinessItems(readiness, links), canFix: links !== null } }),
    words: {
      ...(rest.totals && {
        paidOrders: countWords(rest.totals.orders, 'paid order'),
        awaitingPayment: `${countWords(rest.totals.pendingPayment, 'order')} awaiting payment`,
      }),
      ...(rest.tenants !== undefined && { shops: countWords(rest.tenants, 'shop') }),
    },
  };
}
