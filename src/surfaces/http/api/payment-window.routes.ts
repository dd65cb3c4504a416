// POST /api/orders/:id/payment-window {extendByMinutes} | {until} -> 200 {orderId, paymentDueAt, previousDueAt}.
// Gives an unpaid order more time before it expires (services.paymentWindows.extend: reminder and expiry
// rescheduled, audit entry). `until` is an ISO 8601 date-time with a zone.
import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { MAX_EXTENSION_MINUTES } from '../../../modules/order-expiry/pay-window.js';
import { parseInput } from '../../../platform/validate.js';
import { ctxOf, jsonBody, orderIdParam } from './api-context.js';

export const paymentWindowBody = z.union(
  [
    z.strictObject({
      extendByMinutes: z
        .number()
        .int('a whole number of minutes')
        .min(1)
        .max(MAX_EXTENSION_MINUTES, `at most ${MAX_EXTENSION_MINUTES} (90 days)`),
    }),
    z.strictObject({ until: z.iso.datetime({ offset: true, message: 'an ISO 8601 date-time with a zone, e.g. 2026-12-01T18:00:00Z' }) }),
  ],
  { error: 'send either extendByMinutes (a whole number of minutes) or until (an ISO 8601 date-time)' },
);

/** The answer (documented as PaymentWindow). */
export const paymentWindowResponse = z
  .strictObject({ orderId: z.string(), paymentDueAt: z.iso.datetime(), previousDueAt: z.iso.datetime().nullable() })
  .meta({ id: 'PaymentWindow' });

export function paymentWindowRoutes(services: Services): Router {
  const router = Router();
  router.post('/orders/:id/payment-window', async (req, res) => {
    const body = parseInput(paymentWindowBody, jsonBody(req), 'pay window extension');
    const { order, previousDueAt, dueAt } = await services.paymentWindows.extend(ctxOf(res), orderIdParam(req), body);
    res.json({ orderId: order.id, paymentDueAt: dueAt.toISOString(), previousDueAt: previousDueAt?.toISOString() ?? null });
  });
  return router;
}
