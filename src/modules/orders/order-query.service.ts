// The read side of orders: detail, lookup by id or number, a customer's history (the REST list's keyset
// pages are order-list.query.ts).
import { z } from 'zod';
import type { Order, Prisma } from '../../generated/prisma/index.js';
import type { Db } from '../../platform/db/prisma.js';
import { notFound } from '../../platform/errors.js';
import { parseInput } from '../../platform/validate.js';
import type { SqlRunner } from '../../platform/db/sql.js';
import type { OrderDetail } from './order-detail.js';
import { requireOrderDetail } from './order-detail.sql.js';
import { orderNumberTyped } from './order-number-typed.js';

/** page is 0-based (Discord's orders:page:<n> is 0-indexed); pageSize 1..100. */
const pageSchema = z.object({
  page: z.coerce.number().int().min(0).default(0),
  pageSize: z.coerce.number().int().min(1).max(100).default(10),
});

export interface OrderQueryService {
  /** NOT_FOUND unless the order is the tenant's. */
  get(tenantId: string, orderId: string): Promise<OrderDetail>;
  /**
   * "ord_…" id, the order number ("1001", "#1001" or "# 1001": order-number-typed.ts), or its payment reference ("K7QX2M"). NOT_FOUND otherwise.
   * `paymentReference: false` takes the id or the number only (the REST API's `{id}`: a number that is no order's
   * is a 404, never another order whose payment reference has the same six characters).
   */
  findByRef(tenantId: string, ref: string, opts?: { paymentReference?: boolean }): Promise<Order>;
  /**
   * Newest first (Discord's /orders pages). Index orders (tenantId, customerId, createdAt, id) serves both the
   * page and the count, so a page costs reading at most page × pageSize index entries of this one customer.
   */
  listForCustomer(
    tenantId: string,
    customerId: string,
    opts?: { page?: number; pageSize?: number },
  ): Promise<{ orders: Order[]; total: number }>;
}

/** `sql` (the plain-SQL client) serves `get` when given; Prisma's client otherwise (tests that build the service alone). */
export function createOrderQueryService(deps: { db: Db; sql?: SqlRunner }): OrderQueryService {
  const { db } = deps;
  // The order of the list indexes (docs/perf/list-queries.md): no sort step.
  const newestFirst = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

  async function page(where: Prisma.OrderWhereInput, p: { page: number; pageSize: number }) {
    const [orders, total] = await Promise.all([
      db.order.findMany({ where, orderBy: newestFirst, skip: p.page * p.pageSize, take: p.pageSize }),
      db.order.count({ where }),
    ]);
    return { orders, total };
  }

  return {
    get: (tenantId, orderId) => requireOrderDetail(deps.sql ?? db, tenantId, String(orderId)),

    async findByRef(tenantId, ref, opts = {}) {
      const r = String(ref ?? '').trim();
      let order: Order | null = null;
      const number = orderNumberTyped(r);
      if (/^ord_[A-Za-z0-9]{1,64}$/.test(r)) order = await db.order.findFirst({ where: { id: r, tenantId } });
      else if (number !== null) order = await db.order.findUnique({ where: { tenantId_number: { tenantId, number } } });
      // A payment reference as customers write it in a payment note (any case); all digits is a number first.
      if (!order && opts.paymentReference !== false && /^[A-Za-z0-9]{6}$/.test(r))
        order = await db.order.findUnique({ where: { tenantId_paymentReference: { tenantId, paymentReference: r.toUpperCase() } } });
      if (!order) throw notFound('Order', r);
      return order;
    },

    async listForCustomer(tenantId, customerId, opts = {}) {
      const p = parseInput(pageSchema, opts, 'page');
      return page({ tenantId, customerId }, p);
    },
  };
}
