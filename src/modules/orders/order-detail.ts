// What an order's detail holds (the order page, the REST order, the admin's order): Prisma's include, and the
// type of what it reads. order-detail.sql.ts reads the same in one statement; order-query.service.ts serves it.
import type { Prisma } from '../../generated/prisma/index.js';

/** What an order's detail holds; order-detail.sql.ts reads the same in one statement (same orders, same ties). */
export const orderDetailInclude = {
  items: { orderBy: [{ name: 'asc' }, { id: 'asc' }] },
  payments: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
  refunds: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
  receipts: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
  /** DMs that did not reach the customer (DMs closed), for the order page and the REST order. */
  missedNotices: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: { id: true, kind: true, createdAt: true, shownAt: true } },
  customer: true,
} satisfies Prisma.OrderInclude;

export type OrderDetail = Prisma.OrderGetPayload<{ include: typeof orderDetailInclude }>;
