// POST /api/orders/:id/payment-window {extendByMinutes} | {until} -> 200 {orderId, paymentDueAt, previousDueAt}.
// Gives an unpaid order more time before it expires (services.paymentWindows.extend: reminder and expiry
// rescheduled, audit entry). `until` is an ISO 8601 date-time with a zone.
import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { MAX_EXTENSION_MINUTES } from '../../../modules/order-expiry/pay-window.js';
import { parseInput } from '../../../platform/validate.js';
import { ctxOf, jsonBody, orderIdParam } from './api-context.js';

const EITHER = 'send either extendByMinutes (a whole number of minutes) or until (an ISO 8601 date-time)';

/**
 * extendByMinutes or until, exactly one. One object with both optional rather than a union of two: a union's error
 * named neither field ("send either ...", at the root) when one was wrong, so {"extendByMinutes": "30"} did not say
 * which field to fix (the REST fuzz).
 */
export const paymentWindowBody = z
  .strictObject({
    extendByMinutes: z
      .number({ error: 'a whole number of minutes' })
      .int('a whole number of minutes')
      .min(1, 'at least 1')
      .max(MAX_EXTENSION_MINUTES, `at most ${MAX_EXTENSION_MINUTES} (90 days)`)
      .optional()
      .describe('Minutes to add to the current deadline (or to now, when it has passed). Send this or until.'),
    until: z.iso
      .datetime({ offset: true, message: 'an ISO 8601 date-time with a zone, e.g. 2026-12-01T18:00:00Z' })
      .optional()
      .describe('The new deadline, an ISO 8601 date-time with a zone. Send this or extendByMinutes.'),
  })
  .superRefine((b, ctx) => {
    if (b.extendByMinutes === undefined && b.until === undefined) ctx.addIssue({ code: 'custom', message: EITHER });
    if (b.extendByMinutes !== undefined && b.until !== undefined)
      ctx.addIssue({ code: 'custom', path: ['until'], message: 'send extendByMinutes or until, not both' });
  })
  // Documented as exactly one of the two (JSON Schema's oneOf of the required sets).
  .meta({ oneOf: [{ required: ['extendByMinutes'] }, { required: ['until'] }] });

/** The answer (documented as PaymentWindow). */
export const paymentWindowResponse = z
  .strictObject({ orderId: z.string(), paymentDueAt: z.iso.datetime(), previousDueAt: z.iso.datetime().nullable() })
  .meta({ id: 'PaymentWindow' });

export function paymentWindowRoutes(services: Services): Router {
  const router = Router();
  router.post('/orders/:id/payment-window', async (req, res) => {
    const body = parseInput(paymentWindowBody, jsonBody(req), 'pay window extension');
    const input = body.until !== undefined ? { until: body.until } : { extendByMinutes: body.extendByMinutes! };
    const { order, previousDueAt, dueAt } = await services.paymentWindows.extend(
      ctxOf(res),
      await orderIdParam(req, res, services.orders),
      input,
    );
    res.json({ orderId: order.id, paymentDueAt: dueAt.toISOString(), previousDueAt: previousDueAt?.toISOString() ?? null });
  });
  return router;
}
