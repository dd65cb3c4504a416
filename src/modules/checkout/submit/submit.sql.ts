// Submit's SQL statements, and the row types they return. The row types derive from the Prisma models
// (prisma/schema.prisma, the one schema of these tables): an order row with its items and payment as JSON.
import type { Order, OrderItem, Payment } from '../../../generated/prisma/index.js';
import { Prisma } from '../../../platform/db/prisma.js';
import { raiseIfSql } from '../../../platform/db/check-failure.js';
import { withUtcDates } from '../../../platform/db/sql.js';
import { ORDER_ITEMS_SQL_ORDER, type PlacedOrder } from '../../orders/index.js';

/** A payment row through row_to_json: its timestamps are ISO text without a zone, holding UTC. */
type PaymentJson = Omit<Payment, 'confirmedAt' | 'createdAt' | 'updatedAt'> & {
  confirmedAt: string | null;
  createdAt: string;
  updatedAt: string;
};
/** An order row with its items and payment as JSON (json_agg / row_to_json), as the order statements return it. */
export type WrittenOrder = Order & { items: OrderItem[]; payment: PaymentJson | null };

export function fromWritten(row: WrittenOrder): Omit<PlacedOrder, 'created'> {
  const { payment: p, ...order } = row;
  if (!p) throw new Error(`order ${row.id} has no payment`);
  return {
    order,
    payment: withUtcDates<Payment>(p, ['confirmedAt', 'createdAt', 'updatedAt'] satisfies (keyof PaymentJson)[]),
  };
}

/** The order a session became, with its items and first payment. */
export function existingOrderSql(tenantId: string, sessionId: string): Prisma.Sql {
  return Prisma.sql`
    SELECT o.*, COALESCE((SELECT json_agg(i ORDER BY ${ORDER_ITEMS_SQL_ORDER}) FROM order_items i WHERE i."orderId" = o.id), '[]'::json) AS items,
      (SELECT row_to_json(p) FROM payments p WHERE p."orderId" = o.id ORDER BY p."createdAt", p.id LIMIT 1) AS payment
    FROM orders o WHERE o."sessionId" = ${sessionId} AND o."tenantId" = ${tenantId}`;
}

/**
 * The checks placeOrderSql's statement fails on (raiseIfSql names): the shop, the session as read (a
 * statement placed without the session lock), a product of the order gone (deleted since it was priced), the
 * order's stock, the discount.
 */
export const PLACE_ORDER_CHECKS = {
  shop: 'shop',
  currency: 'currency',
  session: 'session',
  products: 'products',
  stock: 'stock',
  discount: 'discount',
} as const;

export interface OrderValues {
  tenantId: string;
  customerId: string;
  guildId: string | null;
  sessionId: string;
  totals: { subtotalCents: number; discountCents: number; shippingCents: number; taxAmountCents: number; totalCents: number };
  currency: string;
  discount: { discountId: string; name: string } | null;
  shippingType: { id: string; name: string } | null;
  paymentMethod: string | null;
  /** The pay window's deadline (order-expiry), set with the order: an SQL expression (counted from the statement's now()). */
  paymentDueAt: Prisma.Sql | null;
  address: unknown;
  lines: readonly { productId: string; sku: string; name: string; quantity: number; unitPriceCents: number }[];
  now: Date;
  /**
   * The session as it was read, when the caller does not hold its lock: the session is marked SUBMITTED only
   * if it is still that version (updatedAt) with that stored review (a review updates only reviewedQuote)
   * and the catalog it was priced from is still as read (`catalog`, catalogAsReadSql), and the statement fails
   * its `session` check otherwise.
   */
  readAs?: { version: string; reviewedQuote: unknown; catalog: Prisma.Sql };
}

/**
 * The catalog rows a session read was priced and checked from, still as read (a condition): each product
 * active at the price, required roles and tax code read, and the shipping type active at the price (and
 * digital-only flag, selection-rules.ts shipping.digitalOnly) read.
 * For an order placed from a lock-free read: the locked path reads them again after the tax call instead.
 */
export function catalogAsReadSql(s: {
  tenantId: string;
  items: readonly { product: { id: string; unitPriceCents: number; requiredRoleIds: string[]; taxCode?: string | null } }[];
  shippingType: { id: string; priceCents: number; digitalOnly?: boolean } | null;
}): Prisma.Sql {
  const products = s.items.map(({ product: p }) => {
    const taxCode = 'taxCode' in p ? Prisma.sql` AND c."taxCode" IS NOT DISTINCT FROM ${p.taxCode ?? null}::text` : Prisma.empty;
    return Prisma.sql`EXISTS (SELECT 1 FROM products c WHERE c.id = ${p.id} AND c."tenantId" = ${s.tenantId} AND c.active
      AND c."unitPriceCents" = ${p.unitPriceCents}::int AND c."requiredRoleIds" = ${p.requiredRoleIds}::text[]${taxCode})`;
  });
  const shipping = s.shippingType
    ? [
        Prisma.sql`EXISTS (SELECT 1 FROM shipping_types c WHERE c.id = ${s.shippingType.id} AND c."tenantId" = ${s.tenantId} AND c.active
          AND c."priceCents" = ${s.shippingType.priceCents}::int${
            s.shippingType.digitalOnly === undefined ? Prisma.empty : Prisma.sql` AND c."digitalOnly" = ${s.shippingType.digitalOnly}`
          })`,
      ]
    : [];
  return Prisma.join([...products, ...shipping], ' AND ');
}

/** ", a, b" (or nothing): the caller's extra CTEs or columns. */
function list(parts: Prisma.Sql[]): Prisma.Sql {
  return parts.length === 0
    ? Prisma.empty
    : Prisma.join(
        parts.map((c) => Prisma.sql`, ${c}`),
        '',
      );
}

/** A condition for the caller's CTEs: placeOrderSql's statement took the order number (its session write matched). */
export const NUMBER_TAKEN = Prisma.sql`EXISTS (SELECT 1 FROM n)`;

/**
 * The statement that places the order, the last of the submit transaction: the order with its address
 * snapshot, its items, its payment (straight into awaiting_admin_approval: its "pending" moment would exist
 * only inside this transaction, spec 001 step 3), the session marked SUBMITTED (activeSlot NULL frees the
 * customer's slot), plus the caller's CTEs (`tail`: the stock reservations, gated on NUMBER_TAKEN so that the
 * products are locked after the counter, the discount's use, the order.created jobs), their report columns
 * (`columns`) and their `checks`
 * (raiseIfSql expressions: a check that does not hold fails the whole statement, which is what lets the
 * caller send it with its COMMIT). It always returns one row, so the checks are always evaluated; when the
 * session is no longer the version read (`readAs`) or the shop is gone (no order written) it fails too.
 * The order number comes from the tenant's counter in the same statement: its row lock is taken here, in
 * the last statement, after the session's row and before the products' rows, and held only until COMMIT
 * (docs/decisions/order-numbers.md).
 */
export function placeOrderSql(v: OrderValues, tail: { ctes: Prisma.Sql[]; columns: Prisma.Sql[]; checks: Prisma.Sql[] }): Prisma.Sql {
  const values = Prisma.join(
    v.lines.map(
      (l, position) => Prisma.sql`(${l.productId}, ${l.sku}, ${l.name}, ${l.quantity}::int, ${l.unitPriceCents}::int, ${position}::int)`,
    ),
  );
  const t = v.totals;
  const readAs = v.readAs
    ? Prisma.sql` AND "activeSlot" = 1 AND "updatedAt"::text = ${v.readAs.version}
        AND "reviewedQuote" IS NOT DISTINCT FROM ${v.readAs.reviewedQuote == null ? null : JSON.stringify(v.readAs.reviewedQuote)}::jsonb
        AND ${v.readAs.catalog}`
    : Prisma.empty;
  const sessionCheck = v.readAs ? [raiseIfSql(Prisma.sql`NOT EXISTS (SELECT 1 FROM ses)`, PLACE_ORDER_CHECKS.session)] : [];
  const productIds = [...new Set(v.lines.map((l) => l.productId))];
  const currencyCheck = raiseIfSql(Prisma.sql`EXISTS (SELECT 1 FROM n WHERE n.currency <> ${v.currency})`, PLACE_ORDER_CHECKS.currency);
  const productsCheck = raiseIfSql(Prisma.sql`(SELECT count(*) FROM line_products) < ${productIds.length}`, PLACE_ORDER_CHECKS.products);
  return Prisma.sql`
    WITH ses AS (
      UPDATE order_sessions SET state = 'SUBMITTED', "activeSlot" = NULL, "lastActivityAt" = ${v.now}, "updatedAt" = ${v.now}
      WHERE id = ${v.sessionId}${readAs} RETURNING id
    ), n AS (
      -- After the session (an uncorrelated EXISTS is evaluated before the tenant row is read): a statement
      -- that waits for the session's row lock does so before it holds the shop's order counter.
      -- Its RETURNING reads the shop's row as locked, not as the statement's snapshot saw it: a change of the
      -- shop's currency that committed while this waited for the row (tenants/change-shop-currency.ts, amounts
      -- perhaps unchanged) is seen here, and the currency check below fails the order priced in the old one.
      UPDATE tenants SET "nextOrderNumber" = "nextOrderNumber" + 1, "updatedAt" = ${v.now}
      WHERE id = ${v.tenantId} AND EXISTS (SELECT 1 FROM ses) RETURNING "nextOrderNumber" - 1 AS number, currency
    ), o AS (
      INSERT INTO orders ("tenantId", number, "customerId", "guildId", "sessionId", status, "subtotalCents", "discountCents", "shippingCents",
        "taxAmountCents", "totalCents", currency, "discountId", "discountName", "shippingTypeId", "shippingTypeName", "paymentMethod",
        "shippingAddress", "paymentDueAt", "createdAt", "updatedAt")
      SELECT ${v.tenantId}, n.number, ${v.customerId}, ${v.guildId}, ${v.sessionId}, 'PENDING_PAYMENT', ${t.subtotalCents}, ${t.discountCents},
        ${t.shippingCents}, ${t.taxAmountCents}, ${t.totalCents}, ${v.currency}, ${v.discount?.discountId ?? null},
        ${v.discount?.name ?? null}, ${v.shippingType?.id ?? null}, ${v.shippingType?.name ?? null}, ${v.paymentMethod}::"PaymentMethod",
        ${JSON.stringify(v.address)}::jsonb, ${v.paymentDueAt}, ${v.now}, ${v.now}
      FROM n
      RETURNING *
    ), i AS (
      INSERT INTO order_items ("orderId", "productId", sku, name, quantity, "unitPriceCents", position)
      SELECT o.id, v.product_id, v.sku, v.name, v.quantity, v.unit_price, v.position
      FROM o, (VALUES ${values}) AS v(product_id, sku, name, quantity, unit_price, position)
      RETURNING *
    ), line_products AS (
      -- Every product of the order, held (FOR KEY SHARE) until COMMIT: a product delete in the panel
      -- (catalog/ordered-product.ts, under FOR UPDATE) either waits for this order and then sees it, or
      -- commits first and this statement finds the product gone and fails. It blocks no other buyer and no
      -- edit of the product (those take weaker locks), and is taken after the counter, like the stock.
      SELECT lp.id FROM products lp
      WHERE lp.id = ANY(${productIds}::text[]) AND lp."tenantId" = ${v.tenantId} AND ${NUMBER_TAKEN}
      FOR KEY SHARE OF lp
    ), p AS (
      INSERT INTO payments ("tenantId", "orderId", method, status, "amountCents", currency, "createdAt", "updatedAt")
      SELECT ${v.tenantId}, o.id, o."paymentMethod", 'awaiting_admin_approval', o."totalCents", o.currency, ${v.now}, ${v.now} FROM o
      RETURNING *
    )${list(tail.ctes)}
    SELECT o.*, (SELECT json_agg(i ORDER BY i.position) FROM i) AS items, (SELECT row_to_json(p) FROM p) AS payment
      ${list(tail.columns)},
      -- Each check is NULL when it holds (COALESCE evaluates them in order, up to one that raises).
      COALESCE(${Prisma.join([...sessionCheck, raiseIfSql(Prisma.sql`o.id IS NULL`, PLACE_ORDER_CHECKS.shop), currencyCheck, productsCheck, ...tail.checks])}, 0) AS checked
    FROM (SELECT 1) AS one LEFT JOIN o ON true`;
}
