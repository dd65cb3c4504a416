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

/** One day's paid orders and net sales in one currency. */
export interface SalesDay {
  day: string;
  orders: number;
  netCents: number;
  net: string;
}

/** The period's figures in one currency: its days, its paid orders, its net sales (never summed across currencies). */
export interface CurrencySales {
  currency: string;
  days: SalesDay[];
  orders: number;
  netCents: number;
  net: string;
}

/** What the dashboard handler reads for one admin (dashboard.handler.ts). */
export interface DashboardData {
  kind: 'tenant' | 'platform' | 'none';
  tenantName?: string;
  currency?: string;
  /** The shop's time zone: the days of salesByDay are its days. */
  timeZone?: string;
  /** Where the shop's time zone is changed (its Settings form); only for an admin who may change it. */
  timeZoneSettingsUrl?: string;
  /** The days in the shop's currency (sales[0].days). */
  salesByDay?: SalesDay[];
  /**
   * Per currency: the shop's own first, then any other with money in the period (orders from before the shop
   * changed its currency), by code.
   */
  sales?: CurrencySales[];
  byStatus?: { status: string; count: number }[];
  /** orders: paid orders in every currency (a count); net: in the shop's currency only. */
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
  words?: {
    paidOrders?: string;
    awaitingPayment?: string;
    shops?: string;
    /** Per currency of `sales`: its net amount and the words after it. */
    sales?: { currency: string; net: string; from: string }[];
  };
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
      // "$1,234.00" "net sales from 5 paid orders", then "€80.00" "net sales from 2 paid orders in EUR" for an
      // earlier currency (the amount is shown bold).
      ...(rest.sales && {
        sales: rest.sales.map((c, i) => ({
          currency: c.currency,
          net: c.net,
          from: `net sales from ${countWords(c.orders, 'paid order')}${i === 0 ? '' : ` in ${c.currency}`}`,
        })),
      }),
      ...(rest.tenants !== undefined && { shops: countWords(rest.tenants, 'shop') }),
    },
  };
}
