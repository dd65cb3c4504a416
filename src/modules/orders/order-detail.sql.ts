// The order detail (the order with its items, payments, refunds, receipts, missed notices and customer) in ONE
// plain-SQL statement, instead of Prisma's include (seven queries, each through its WASM query compiler). It is
// read by every notification job (three or four per order), the Discord order pages and the REST order.
// The result has the shape of Prisma's read with `orderDetailInclude`, field for field:
// test/modules/orders/order-detail-sql.test.ts compares the two on a fully populated order.
import { Prisma } from '../../platform/db/prisma.js';
import { queryRows, withUtcDates, type SqlTarget } from '../../platform/db/sql.js';
import { notFound } from '../../platform/errors.js';
import { CUSTOMER_DATE_FIELDS } from '../customers/customer.service.js';
import { MISSED_NOTICE_DATE_FIELDS } from '../notifications/missed-notices.js';
import { ORDER_ITEMS_SQL_ORDER, type OrderDetail } from './order-detail.js';

/**
 * The nested rows come through json_agg/row_to_json: the order's own columns are read as usual; in the nested
 * rows timestamps are ISO text without a zone (holding UTC, as every timestamp column here) and are made
 * Dates again below. Orders match orderDetailInclude's, with the id as tie-breaker in both.
 */
function orderDetailSql(tenantId: string, orderId: string): Prisma.Sql {
  return Prisma.sql`
    SELECT o.*,
      COALESCE((SELECT json_agg(i ORDER BY ${ORDER_ITEMS_SQL_ORDER}) FROM order_items i WHERE i."orderId" = o.id), '[]'::json) AS items,
      COALESCE((SELECT json_agg(p ORDER BY p."createdAt", p.id) FROM payments p WHERE p."orderId" = o.id), '[]'::json) AS payments,
      COALESCE((SELECT json_agg(r ORDER BY r."createdAt", r.id) FROM refunds r WHERE r."orderId" = o.id), '[]'::json) AS refunds,
      COALESCE((SELECT json_agg(x ORDER BY x."createdAt", x.id) FROM payment_receipts x WHERE x."orderId" = o.id), '[]'::json) AS receipts,
      COALESCE((SELECT json_agg(json_build_object('id', m.id, 'kind', m.kind, 'createdAt', m."createdAt", 'shownAt', m."shownAt",
                                                  'refusedStatus', m."refusedStatus", 'refusedCode', m."refusedCode")
                  ORDER BY m."createdAt", m.id) FROM missed_notices m WHERE m."orderId" = o.id), '[]'::json) AS "missedNotices",
      (SELECT row_to_json(c) FROM customers c WHERE c.id = o."customerId") AS customer
    FROM orders o
    WHERE o.id = ${orderId} AND o."tenantId" = ${tenantId}`;
}

/** The fields of each nested row that are timestamps (every DateTime of its Prisma model). */
const NESTED_DATES = {
  items: [],
  payments: ['confirmedAt', 'createdAt', 'updatedAt'],
  refunds: ['manualReturnDoneAt', 'createdAt'],
  receipts: ['createdAt'],
  missedNotices: MISSED_NOTICE_DATE_FIELDS,
  customer: CUSTOMER_DATE_FIELDS,
} as const satisfies { [K in keyof OrderDetail]?: readonly string[] };

type Nested = keyof typeof NESTED_DATES;
type DetailRow = Omit<OrderDetail, Nested> & { [K in Nested]: K extends 'customer' ? Record<string, unknown> : Record<string, unknown>[] };

function fromDetailRow(row: DetailRow): OrderDetail {
  // Prisma's raw queries already give Dates for the order's own columns but not inside JSON: the same here.
  const list = <K extends Exclude<Nested, 'customer'>>(key: K) =>
    row[key].map((r) => withUtcDates<OrderDetail[K][number]>(r, NESTED_DATES[key]));
  return {
    ...row,
    items: list('items'),
    payments: list('payments'),
    refunds: list('refunds'),
    receipts: list('receipts'),
    missedNotices: list('missedNotices'),
    customer: withUtcDates<OrderDetail['customer']>(row.customer, NESTED_DATES.customer),
  };
}

/** The tenant's order with everything its detail holds, or null; on the plain-SQL client or Prisma (a transaction's too). */
export async function readOrderDetail(target: SqlTarget, tenantId: string, orderId: string): Promise<OrderDetail | null> {
  const [row] = await queryRows<DetailRow>(target, orderDetailSql(tenantId, orderId));
  return row ? fromDetailRow(row) : null;
}

/** The tenant's order detail; NOT_FOUND when the shop has no such order (services.orders.get, an admin change's answer). */
export async function requireOrderDetail(target: SqlTarget, tenantId: string, orderId: string): Promise<OrderDetail> {
  const order = await readOrderDetail(target, tenantId, orderId);
  if (!order) throw notFound('Order', orderId, { orderId });
  return order;
}
