// GET /api/orders, GET /api/orders/:id, PATCH /api/orders/:id.
import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { parseInput } from '../../../platform/validate.js';
import { ctxOf, jsonBody, orderIdParam } from './api-context.js';
import { orderDetailDto, orderSummaryDto } from './api.presenters.js';
import { CARRIER_CODES } from '../../../modules/shipping/carriers.js';

const ORDER_STATUSES = ['PENDING_PAYMENT', 'PAID', 'FULFILLING', 'SHIPPED', 'COMPLETE', 'CANCELLED', 'REFUNDED', 'PARTIALLY_REFUNDED'] as const;
const SHIPPING_STATUSES = ['PENDING', 'LABEL_CREATED', 'SHIPPED', 'DELIVERED', 'FAILED'] as const;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
/** An ISO 8601 date or date-time ("2026-11-01" or "2026-11-01T12:00:00Z"); a bare date is midnight UTC. */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, 'an ISO 8601 date such as 2026-11-01 or 2026-11-01T12:00:00Z')
  .transform((s) => ({ date: new Date(s), dateOnly: DATE_ONLY.test(s) }))
  .refine((d) => !Number.isNaN(d.date.getTime()), 'not a real date');

export const listOrdersQuery = z.strictObject({
  status: z.enum(ORDER_STATUSES).optional(),
  from: isoDate.transform((d) => d.date).optional(),
  // The service's `to` is exclusive; a bare date means "through that day", so it becomes the next midnight.
  to: isoDate.transform((d) => (d.dateOnly ? new Date(d.date.getTime() + 86_400_000) : d.date)).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
}).refine((q) => !q.from || !q.to || q.from < q.to, { path: ['from'], message: 'must be before "to"' });

export const updateOrderBody = z.strictObject({
  status: z.enum(ORDER_STATUSES).optional(),
  shippingStatus: z.enum(SHIPPING_STATUSES).optional(),
  /** null or "" clears it. */
  trackingNumber: z.string().trim().max(120).nullable().optional(),
  /** The carrier, for the tracking link in the customer's shipping DM; null clears it. */
  shippingCarrier: z.enum(CARRIER_CODES).nullable().optional(),
  notes: z.string().max(5000).nullable().optional(),
}).refine((b) => Object.keys(b).length > 0, 'send at least one of status, shippingStatus, trackingNumber, shippingCarrier, notes');

export function ordersRoutes(services: Services): Router {
  const router = Router();

  router.get('/orders', async (req, res) => {
    const q = parseInput(listOrdersQuery, req.query, 'query');
    // The service counts pages from 0 (Discord's pager); the REST API from 1.
    const { orders, total } = await services.orders.list(ctxOf(res).tenantId, { ...q, page: q.page - 1 });
    res.json({ data: orders.map(orderSummaryDto), page: q.page, pageSize: q.pageSize, total });
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
