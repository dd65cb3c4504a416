// GET /api/orders, GET /api/orders/:id, PATCH /api/orders/:id.
import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { dayBound, isCalendarDay, LATEST_INSTANT } from '../../../platform/zoned-time.js';
import { validationError } from '../../../platform/errors.js';
import { parseInput, wholeNumberParam } from '../../../platform/validate.js';
import { ctxOf, jsonBody, orderIdParam } from './api-context.js';
import { queryOf } from './declared-query.js';
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
/**
 * An ISO 8601 date or date-time ("2026-11-01" or "2026-11-01T12:00:00Z"). A date-time is that instant; a bare
 * date is a day of the shop, in its time zone (resolved by the handler, filterBound), as the exports and the
 * panel's date filters read it.
 */
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, 'an ISO 8601 date such as 2026-11-01 or 2026-11-01T12:00:00Z')
  // A date-time names its zone: without one, new Date() read it in the server process's zone (platform/zoned-time.ts
  // parseInstant refuses it for the same reason: it could mean any of 24 instants).
  .refine((s) => DATE_ONLY.test(s) || /(Z|[+-]\d{2}:?\d{2})$/.test(s), 'a date-time needs its zone: Z or an offset such as -05:00')
  // The day must exist (2026-02-30 was read as 2 March) and be no earlier than 1900 (0000-01-01 reached the
  // database and came back as a 400 naming no field): the exports' rule, isCalendarDay.
  .refine((s) => isCalendarDay(s.slice(0, 10)), 'not a real date (YYYY-MM-DD, from 1900)')
  .transform((s): DateFilter => (DATE_ONLY.test(s) ? { day: s } : { instant: new Date(s) }))
  .refine((d) => 'day' in d || !Number.isNaN(d.instant.getTime()), 'not a real date');
type DateFilter = { day: string } | { instant: Date };

/**
 * One end of the date filter as the service takes it (`to` exclusive): an instant as it is; a bare date is
 * the shop's day in `timeZone` (platform/zoned-time.ts dayBound, the panel's and the exports' rule), `from`
 * from its first instant and `to` through its last (a daylight-saving day is 23 or 25 hours).
 */
function filterBound(d: DateFilter, edge: 'from' | 'to', timeZone: string): Date {
  if ('instant' in d) return d.instant;
  const bound = dayBound(`${d.day}[${timeZone}]`, edge === 'from' ? 'start' : 'end')!;
  return edge === 'from' ? bound : new Date(bound.getTime() + 1);
}

/**
 * A bound as the database takes it. One past year 9999 (to=9999-12-31 ends at 10000-01-01;
 * 9999-12-31T23:00:00-14:00) is refused by the driver, and the caller got "Invalid parameters." naming no field.
 * No order is that late: the latest instant the database takes filters the same. Capped after the bounds are
 * compared, so two instants past it still compare as sent.
 */
const storable = (at: Date | undefined) => (at && at > LATEST_INSTANT ? LATEST_INSTANT : at);

const DAY_NOTE = " A bare date (YYYY-MM-DD) is the shop's day, in its time zone (Settings), as in the exports.";

/**
 * GET /api/orders: keyset pages, newest first. The first page takes no cursor; each next one passes the
 * previous response's nextCursor with the same filters (a cursor is bound to the shop and the filters).
 */
export const listOrdersQuery = z.strictObject({
  status: z.enum(ORDER_STATUSES).optional(),
  customerId: z
    .string()
    .regex(/^cus_[A-Za-z0-9]{1,64}$/, 'a customer id such as cus_…')
    .optional(),
  from: isoDate.optional().describe(`Orders created at or after this date-time (with its zone: Z or an offset).${DAY_NOTE}`),
  to: isoDate.optional().describe(`Orders created before this date-time (with its zone); a bare date includes that whole day.${DAY_NOTE}`),
  pageSize: wholeNumberParam({ min: 1, max: ORDER_PAGE_SIZE_MAX, byDefault: 25, tooLarge: `at most ${ORDER_PAGE_SIZE_MAX} orders a page` }),
  cursor: z.string().min(1).max(512).optional(),
  // Numbered pages are gone (a deep page read every order before it): say what replaced them.
  page: z.never({ error: 'numbered pages are not supported: pass cursor=<nextCursor of the previous page>' }).optional(),
});

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
    confirmRefundCents: z
      .number()
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .optional()
      .describe(
        'Cancelling a PAID order (status CANCELLED) refunds it in full: send the amount of that refund, in cents, to confirm it. ' +
          'Without it, or with another amount, the answer is 409 REFUND_CONFIRMATION_REQUIRED, nothing is changed, and ' +
          'error.details says what the cancel would do (refundCents, processorCents, byHandCents, restockedUnits). ' +
          'An unpaid order is cancelled without it.',
      ),
  })
  .superRefine((b, ctx) => {
    // confirmRefundCents confirms a cancel's refund: alone, or with another status, it changed nothing and answered 200.
    if (b.confirmRefundCents !== undefined && b.status !== 'CANCELLED')
      ctx.addIssue({
        code: 'custom',
        path: ['confirmRefundCents'],
        message: 'goes with status CANCELLED (it confirms the refund a cancel makes)',
      });
    else if (Object.keys(b).length === 0)
      ctx.addIssue({ code: 'custom', message: 'send at least one of status, shippingStatus, trackingNumber, shippingCarrier, notes' });
  });

export function ordersRoutes(services: Services): Router {
  const router = Router();

  router.get('/orders', async (req, res) => {
    const q = queryOf(res, listOrdersQuery);
    const { tenantId } = ctxOf(res);
    const timeZone = (q.from && 'day' in q.from) || (q.to && 'day' in q.to) ? (await services.tenants.get(tenantId)).timeZone : 'UTC';
    const from = q.from && filterBound(q.from, 'from', timeZone);
    const to = q.to && filterBound(q.to, 'to', timeZone);
    if (from && to && from >= to) throw validationError([{ path: ['from'], message: 'must be before "to"' }], 'query');
    const { orders, nextCursor } = await services.orderList.page(
      tenantId,
      { status: q.status, customerId: q.customerId, from: storable(from), to: storable(to) },
      { pageSize: q.pageSize, cursor: q.cursor },
    );
    // The JSON shape is listOrdersResponse (dates as ISO 8601 strings).
    res.json({ data: orders.map(orderSummaryDto), pageSize: q.pageSize, nextCursor });
  });

  router.get('/orders/:id', async (req, res) => {
    res.json(orderDetailDto(await services.orders.get(ctxOf(res).tenantId, await orderIdParam(req, res, services.orders))));
  });

  router.patch('/orders/:id', async (req, res) => {
    const body = parseInput(updateOrderBody, jsonBody(req), 'order update');
    res.json(orderDetailDto(await services.orderAdmin.update(ctxOf(res), await orderIdParam(req, res, services.orders), body)));
  });

  return router;
}
