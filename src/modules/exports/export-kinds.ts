// What each bookkeeping export holds: its header and the SQL that streams its rows (tenant-scoped, one
// date range in the shop's time zone, oldest first). Dates are written in the shop's time zone
// ("2026-11-30 14:05:00"); amounts as decimals in the shop's currency ("12.30"), refunds in the tax export
// negative. Each kind is read by the export service through a server-side cursor (export.service.ts).
import { Prisma } from '../../platform/db/prisma.js';
import { centsToDecimalString } from '../../platform/money.js';
import type { CsvCell } from './csv.js';
import { ORDER_ITEMS_SQL_ORDER } from '../orders/index.js';

export const EXPORT_KINDS = ['orders', 'payments', 'refunds', 'tax'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export interface ExportScope {
  tenantId: string;
  timeZone: string;
  /** Inclusive local dates, YYYY-MM-DD. */
  from: string;
  to: string;
}

export interface ExportDefinition {
  header: string[];
  query(scope: ExportScope): Prisma.Sql;
  row(r: Record<string, unknown>): CsvCell[];
}

/** A timestamp column (UTC, without zone) as local wall time text in the shop's time zone. */
const local = (column: string, tz: string) =>
  Prisma.sql`to_char((${Prisma.raw(column)} AT TIME ZONE 'UTC') AT TIME ZONE ${tz}, 'YYYY-MM-DD HH24:MI:SS')`;
/** `column` within the local dates from..to (inclusive), compared in UTC so the column's index is used. */
const within = (column: string, s: ExportScope) =>
  Prisma.sql`${Prisma.raw(column)} >= ((${s.from}::date::timestamp AT TIME ZONE ${s.timeZone}) AT TIME ZONE 'UTC')
    AND ${Prisma.raw(column)} < (((${s.to}::date + 1)::timestamp AT TIME ZONE ${s.timeZone}) AT TIME ZONE 'UTC')`;

const money = (cents: unknown, currency: unknown) =>
  cents === null || cents === undefined ? null : centsToDecimalString(Number(cents), String(currency));
const text = (v: unknown): CsvCell => (v === null || v === undefined ? null : String(v));

const orders: ExportDefinition = {
  header: [
    'order_number',
    'order_id',
    'created_at',
    'status',
    'shipping_status',
    'payment_method',
    'customer',
    'customer_discord_id',
    'currency',
    'subtotal',
    'discount',
    'discount_name',
    'shipping',
    'shipping_type',
    'sales_tax',
    'total',
    'refunded',
    'paid_at',
    'cancelled_at',
    'ship_to_name',
    'ship_to_country',
    'ship_to_state',
    'ship_to_zip',
    'ship_to_city',
    'items',
  ],
  query: (s) => Prisma.sql`
    SELECT o.number, o.id, ${local('o."createdAt"', s.timeZone)} AS created, o.status::text AS status, o."shippingStatus"::text AS shipping_status,
           o."paymentMethod"::text AS method, COALESCE(c.username, c."displayName") AS username, c."discordUserId" AS discord_id, o.currency, o."subtotalCents" AS subtotal, o."discountCents" AS discount,
           o."discountName" AS discount_name, o."shippingCents" AS shipping, o."shippingTypeName" AS shipping_type, o."taxAmountCents" AS tax, o."totalCents" AS total,
           o."refundedTotalCents" AS refunded, ${local('o."paidAt"', s.timeZone)} AS paid, ${local('o."cancelledAt"', s.timeZone)} AS cancelled,
           o."shippingAddress"->>'name' AS ship_name, o."shippingAddress"->>'country' AS ship_country, o."shippingAddress"->>'state' AS ship_state,
           o."shippingAddress"->>'postalCode' AS ship_zip, o."shippingAddress"->>'city' AS ship_city,
           (SELECT string_agg(i.quantity || ' x ' || i.name || ' (' || i.sku || ')', '; ' ORDER BY ${ORDER_ITEMS_SQL_ORDER}) FROM order_items i WHERE i."orderId" = o.id) AS items
    FROM orders o JOIN customers c ON c.id = o."customerId"
    WHERE o."tenantId" = ${s.tenantId} AND ${within('o."createdAt"', s)}
    ORDER BY o."createdAt", o.id`,
  row: (r) => [
    Number(r.number),
    text(r.id),
    text(r.created),
    text(r.status),
    text(r.shipping_status),
    text(r.method),
    text(r.username),
    text(r.discord_id),
    text(r.currency),
    money(r.subtotal, r.currency),
    money(r.discount, r.currency),
    text(r.discount_name),
    money(r.shipping, r.currency),
    text(r.shipping_type),
    money(r.tax, r.currency),
    money(r.total, r.currency),
    money(r.refunded, r.currency),
    text(r.paid),
    text(r.cancelled),
    text(r.ship_name),
    text(r.ship_country),
    text(r.ship_state),
    text(r.ship_zip),
    text(r.ship_city),
    text(r.items),
  ],
};

const payments: ExportDefinition = {
  header: [
    'payment_id',
    'order_number',
    'created_at',
    'method',
    'status',
    'currency',
    'amount',
    'refunded',
    'provider_reference',
    'confirmed_at',
    'confirmed_by',
    'rejected_reason',
  ],
  query: (s) => Prisma.sql`
    SELECT p.id, o.number, ${local('p."createdAt"', s.timeZone)} AS created, p.method::text AS method, p.status::text AS status, p.currency, p."amountCents" AS amount,
           p."refundedAmountCents" AS refunded, p."providerReference" AS reference, ${local('p."confirmedAt"', s.timeZone)} AS confirmed, p."confirmedByType"::text AS confirmed_by,
           p."rejectedReason" AS rejected
    FROM payments p JOIN orders o ON o.id = p."orderId"
    WHERE p."tenantId" = ${s.tenantId} AND ${within('p."createdAt"', s)}
    ORDER BY p."createdAt", p.id`,
  row: (r) => [
    text(r.id),
    Number(r.number),
    text(r.created),
    text(r.method),
    text(r.status),
    text(r.currency),
    money(r.amount, r.currency),
    money(r.refunded, r.currency),
    text(r.reference),
    text(r.confirmed),
    text(r.confirmed_by),
    text(r.rejected),
  ],
};

const refunds: ExportDefinition = {
  header: [
    'refund_id',
    'order_number',
    'created_at',
    'mode',
    'currency',
    'amount',
    'items',
    'discount',
    'shipping',
    'sales_tax',
    'reason',
    'returned_by',
    'returned_by_hand_at',
    'payment_id',
  ],
  query: (s) => Prisma.sql`
    SELECT r.id, o.number, ${local('r."createdAt"', s.timeZone)} AS created, r.mode::text AS mode, o.currency, r."amountCents" AS amount,
           r."amountCents" + r."discountCents" - r."shippingCents" - r."taxCents" AS goods, r."discountCents" AS discount, r."shippingCents" AS shipping,
           r."taxCents" AS tax, r.reason, COALESCE(r."manualReturnMethod"::text, 'processor') AS returned_by, ${local('r."manualReturnDoneAt"', s.timeZone)} AS returned_at,
           r."paymentId" AS payment_id
    FROM refunds r JOIN orders o ON o.id = r."orderId"
    WHERE r."tenantId" = ${s.tenantId} AND ${within('r."createdAt"', s)}
    ORDER BY r."createdAt", r.id`,
  row: (r) => [
    text(r.id),
    Number(r.number),
    text(r.created),
    text(r.mode),
    text(r.currency),
    money(r.amount, r.currency),
    money(r.goods, r.currency),
    money(r.discount, r.currency),
    money(r.shipping, r.currency),
    money(r.tax, r.currency),
    text(r.reason),
    text(r.returned_by),
    text(r.returned_at),
    text(r.payment_id),
  ],
};

/**
 * Sales tax events: a sale when an order was paid, a refund (negative) when money of a sale went back. Money
 * returned for an order that was never paid (a part payment when it was cancelled unpaid, orders/cancel-unpaid.ts)
 * was never a sale, so it is in the refunds export only.
 */
const tax: ExportDefinition = {
  header: [
    'date',
    'type',
    'order_number',
    'transaction_id',
    'currency',
    'ship_to_country',
    'ship_to_state',
    'ship_to_zip',
    'amount_excluding_tax',
    'shipping',
    'sales_tax',
  ],
  query: (s) => Prisma.sql`
    SELECT t.*, ${local('t.at', s.timeZone)} AS local_at FROM (
      SELECT o."paidAt" AS at, 'sale' AS type, o.number, o.id AS transaction_id, o.currency, o."shippingAddress" AS address,
             o."subtotalCents" - LEAST(o."discountCents", o."subtotalCents") + o."shippingCents" AS amount, o."shippingCents" AS shipping, o."taxAmountCents" AS tax
      FROM orders o
      WHERE o."tenantId" = ${s.tenantId} AND o."paidAt" IS NOT NULL AND ${within('o."paidAt"', s)}
      UNION ALL
      SELECT r."createdAt", 'refund', o.number, r.id, o.currency, o."shippingAddress",
             -(r."amountCents" - r."taxCents"), -r."shippingCents", -r."taxCents"
      FROM refunds r JOIN orders o ON o.id = r."orderId"
      WHERE r."tenantId" = ${s.tenantId} AND o."paidAt" IS NOT NULL AND ${within('r."createdAt"', s)}
    ) t
    ORDER BY t.at, t.transaction_id`,
  row: (r) => {
    const a = (r.address ?? {}) as Record<string, string | undefined>;
    return [
      text(r.local_at),
      text(r.type),
      Number(r.number),
      text(r.transaction_id),
      text(r.currency),
      text(a.country),
      text(a.state),
      text(a.postalCode),
      money(r.amount, r.currency),
      money(r.shipping, r.currency),
      money(r.tax, r.currency),
    ];
  },
};

export const EXPORTS: Record<ExportKind, ExportDefinition> = { orders, payments, refunds, tax };
