// What an order's detail holds (the order page, the REST order, the admin's order): Prisma's include, and the
// type of what it reads. order-detail.sql.ts reads the same in one statement; order-query.service.ts serves it.
import type { Prisma as PrismaTypes } from '../../generated/prisma/index.js';
import { Prisma } from '../../platform/db/prisma.js';

/**
 * The order of an order's lines in every view (Discord, panel, REST, invoice page, exports): as in the customer's
 * cart, then by name (orders placed before positions were kept all have position 0). For `order_items i`.
 */
export const ORDER_ITEMS_ORDER_BY: PrismaTypes.OrderItemOrderByWithRelationInput[] = [{ position: 'asc' }, { name: 'asc' }, { id: 'asc' }];
export const ORDER_ITEMS_SQL_ORDER = Prisma.sql`i.position, i.name, i.id`;

/** What an order's detail holds; order-detail.sql.ts reads the same in one statement (same orders, same ties). */
export const orderDetailInclude = {
  items: { orderBy: ORDER_ITEMS_ORDER_BY },
  payments: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
  refunds: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
  receipts: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
  /** DMs that did not reach the customer (DMs closed, or Discord refused them: why), for the order page and the REST order. */
  missedNotices: {
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true, kind: true, createdAt: true, shownAt: true, refusedStatus: true, refusedCode: true },
  },
  customer: true,
} satisfies PrismaTypes.OrderInclude;

export type OrderDetail = PrismaTypes.OrderGetPayload<{ include: typeof orderDetailInclude }>;
