// POST /api/webhooks/payments: the processor's signed notifications. Mounted before the JSON parser: the
// signature covers the exact raw bytes. Authenticated by the signature, not by an API key.
import express, { Router } from 'express';
import type { CheckoutWebhookService } from '../../../modules/payments-processor/checkout-webhook.service.js';
import { WEBHOOK_SIGNATURE_HEADER } from '../../../modules/payments-processor/webhook-signature.js';
import { AppError } from '../../../platform/errors.js';

export function paymentWebhooksRoutes(deps: { webhooks: CheckoutWebhookService | null; bodyLimit: string }): Router {
  const router = Router();
  router.post('/api/webhooks/payments', express.raw({ type: () => true, limit: deps.bodyLimit }), async (req, res) => {
    if (!deps.webhooks) throw new AppError('NOT_FOUND', 'No payment processor is configured on this server.');
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const result = await deps.webhooks.handle(raw, req.get(WEBHOOK_SIGNATURE_HEADER));
    res.json({ received: true, ...result });
  });
  return router;
}
