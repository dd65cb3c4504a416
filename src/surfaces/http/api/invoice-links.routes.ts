// POST /api/orders/:id/invoice-link {expiresInSeconds?} -> 201 {url, expiresAt, paymentMethods}.
import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { INVOICE_LINK_MAX_TTL_SECONDS } from '../../../modules/invoices/invoice.service.js';
import { parseInput } from '../../../platform/validate.js';
import { requestOrigin } from '../request-origin.js';
import { ctxOf, jsonBody, orderIdParam } from './api-context.js';

export const invoiceLinkBody = z.strictObject({
  expiresInSeconds: z
    .number()
    .int('a whole number of seconds')
    .min(1)
    .max(INVOICE_LINK_MAX_TTL_SECONDS, `at most ${INVOICE_LINK_MAX_TTL_SECONDS} (90 days)`)
    .optional(),
});

export function invoiceLinksRoutes(services: Services): Router {
  const router = Router();
  router.post('/orders/:id/invoice-link', async (req, res) => {
    const body = parseInput(invoiceLinkBody, jsonBody(req), 'invoice link request');
    const link = await services.invoices.createLink(ctxOf(res), await orderIdParam(req, res, services.orders), {
      expiresInSeconds: body.expiresInSeconds,
      fallbackBaseUrl: requestOrigin(req),
    });
    res.status(201).json({ url: link.url, expiresAt: link.expiresAt.toISOString(), paymentMethods: link.paymentMethods });
  });
  return router;
}
