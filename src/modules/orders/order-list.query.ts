// The order list as pages of a keyset (seek) scan: newest first (createdAt desc, id desc), each page starting
// after the previous page's last order, named by an opaque signed cursor (order-cursor.ts). A page costs the
// same at any depth: it is an index seek into orders (tenantId, [status | customerId,] createdAt, id), never
// an OFFSET over the pages before it, and nothing counts the whole list.
import { Prisma, type Order } from '../../generated/prisma/index.js';
import type { SqlRunner } from '../../platform/db/sql.js';
import type { OrderBoundary, OrderCursorCodec, OrderListFilter } from './order-cursor.js';

export const ORDER_PAGE_SIZE_MAX = 100;

export interface OrderListPage {
  orders: Order[];
  /** Where the next page starts; null on the last page. */
  nextCursor: string | null;
}

export interface OrderListService {
  /**
   * One page of the tenant's orders matching `filter` (from inclusive, to exclusive), after `cursor` when
   * given. `cursor` must come from a previous page of the same tenant and filter (VALIDATION_FAILED otherwise).
   */
  page(tenantId: string, filter: OrderListFilter, opts: { pageSize: number; cursor?: string }): Promise<OrderListPage>;
}

export function createOrderListService(deps: { sql: SqlRunner; cursors: OrderCursorCodec }): OrderListService {
  const { sql, cursors } = deps;

  function statement(tenantId: string, f: OrderListFilter, after: OrderBoundary | null, limit: number): Prisma.Sql {
    const conditions = [Prisma.sql`"tenantId" = ${tenantId}`];
    if (f.status) conditions.push(Prisma.sql`status = ${f.status}::"OrderStatus"`);
    if (f.customerId) conditions.push(Prisma.sql`"customerId" = ${f.customerId}`);
    if (f.from) conditions.push(Prisma.sql`"createdAt" >= ${f.from}`);
    if (f.to) conditions.push(Prisma.sql`"createdAt" < ${f.to}`);
    // A row comparison: PostgreSQL seeks the index to the boundary instead of filtering up to it.
    if (after) conditions.push(Prisma.sql`("createdAt", id) < (${after.createdAt}::timestamp(3), ${after.id})`);
    return Prisma.sql`SELECT * FROM orders WHERE ${Prisma.join(conditions, ' AND ')} ORDER BY "createdAt" DESC, id DESC LIMIT ${limit}`;
  }

  return {
    async page(tenantId, filter, opts) {
      const pageSize = Math.min(Math.max(1, Math.trunc(opts.pageSize)), ORDER_PAGE_SIZE_MAX);
      const after = opts.cursor ? cursors.decode(tenantId, filter, opts.cursor) : null;
      // One row more than the page says whether there is a next page, without counting.
      const rows = await sql.query<Order>(statement(tenantId, filter, after, pageSize + 1));
      const orders = rows.slice(0, pageSize);
      const last = orders.at(-1);
      const nextCursor =
        rows.length > pageSize && last ? cursors.encode(tenantId, filter, { createdAt: last.createdAt, id: last.id }) : null;
      return { orders, nextCursor };
    },
  };
}
