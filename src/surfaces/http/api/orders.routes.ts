// GET /api/orders, GET /api/orders/:id, PATCH /api/orders/:id.
import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { isCalendarDay } from '../../../platform/zoned-time.js';
import { parseInput } from '../../../platform/validate.js';
import { ctxOf, jsonBody, orderIdParam } from './api-context.js';
import { orderDetailDto, orderSummaryDto } from './api.presenters.js';
import { orderSummary } from './openapi/api.schemas.js';
import { CARRIER_CODES } from '../../../modules/shipping/carriers.js';
import { ORDER_PAGE_SIZE_MAX } from '../../../modules/orders/index.js';

const ORDER_STATUSES = [
  'PENDING_PAYMENT',
  'PAID',
  'FULFILLING',
  'SHIPPED',
  'COMPLETE',
  'CANCELLED',
  'REFUNDED',
  'PARTIALLY_REFUNDED',
] as const;
const SHIPPING_STATUSES = ['PENDING', 'LABEL_CREATED', 'SHIPPED', 'DELIVERED', 'FAILED'] as const;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
/** An ISO 8601 date or date-time ("2026-11-01" or "2026-11-01T12:00:00Z"); a bare date is midnight UTC. */
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, 'an ISO 8601 date such as 2026-11-01 or 2026-11-01T12:00:00Z')
  // The day must exist (2026-02-30 was read as 2 March) and be no earlier than 1900 (0000-01-01 reached the
  // database and came back as a 400 naming no field): the exports' rule, isCalendarDay.
  .refine((s) => isCalendarDay(s.slice(0, 10)), 'not a real date (YYYY-MM-DD, from 1900)')
  .transform((s) => ({ date: new Date(s), dateOnly: DATE_ONLY.test(s) }))
  .refine((d) => !Number.isNaN(d.date.getTime()), 'not a real date');

/**
 * GET /api/orders: keyset pages, newest first. The first page takes no cursor; each next one passes the
 * previous response's nextCursor with the same filters (a cursor is bound to the shop and the filters).
 */
export const listOrdersQuery = z
  .strictObject({
    status: z.enum(ORDER_STATUSES).optional(),
    customerId: z
      .string()
      .regex(/^cus_[A-Za-z0-9]{1,64}$/, 'a customer id such as cus_…')
      .optional(),
    from: isoDate.transform((d) => d.date).optional(),
    // The service's `to` is exclusive; a bare date means "through that day", so it becomes the next midnight.
    to: isoDate.transform((d) => (d.dateOnly ? new Date(d.date.getTime() + 86_400_000) : d.date)).optional(),
    pageSize: z.coerce.number().int().min(1).max(ORDER_PAGE_SIZE_MAX, `at most ${ORDER_PAGE_SIZE_MAX} orders a page`).default(25),
    cursor: z.string().min(1).max(512).optional(),
    // Numbered pages are gone (a deep page read every order before it): say what replaced them.
    page: z.never({ error: 'numbered pages are not supported: pass cursor=<nextCursor of the previous page>' }).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { path: ['from'], message: 'must be before "to"' });

/** GET /api/orders' answer (documented as OrderList; its orders are api.presenters.ts orderSummaryDto). */
export const listOrdersResponse = z
  .strictObject({
    data: z.array(orderSummary),
    pageSize: z.number().int(),
    nextCursor: z.string().nullable().describe('Pass as cursor (with the same filters) for the next page; null on the last page'),
  })
  .meta({ id: 'OrderList' });

export const updateOrderBody = z
  .strictObject({
    status: z.enum(ORDER_STATUSES).optional(),
    shippingStatus: z.enum(SHIPPING_STATUSES).optional(),
    /** null or "" clears it. */
    trackingNumber: z.string().trim().max(120).nullable().optional(),
    /** The carrier, for the tracking link in the customer's shipping DM; null clears it. */
    shippingCarrier: z.enum(CARRIER_CODES).nullable().optional(),
    notes: z.string().max(5000).nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'send at least one of status, shippingStatus, trackingNumber, shippingCarrier, notes');

export function ordersRoutes(services: Services): Router {
  const router = Router();

  router.get('/orders', async (req, res) => {
    const { pageSize, cursor, status, customerId, from, to } = parseInput(listOrdersQuery, req.query, 'query');
    const { orders, nextCursor } = await services.orderList.page(
      ctxOf(res).tenantId,
      { status, customerId, from, to },
      { pageSize, cursor },
    );
    // The JSON shape is listOrdersResponse (dates as ISO 8601 strings).
    res.json({ data: orders.map(orderSummaryDto), pageSize, nextCursor });
  });

  router.get('/orders/:id', async (req, res) => {
    res.json(orderDetailDto(await services.orders.get(ctxOf(res).tenantId, orderIdParam(req))));
  });

  router.patch('/orders/:id', async (req, res) => {
    const body = parseInput(updateOrderBody, jsonBody(req), 'order update');
    res.json(orderDetailDto(await services.orderAdmin.update(ctxOf(res), orderIdParam(req), body)));
  });

  return router;
}
