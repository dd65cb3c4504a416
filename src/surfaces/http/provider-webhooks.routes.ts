// POST /webhooks/{paypal,square,btcpay}/:connectionId: each shop's connection has its own webhook URL (the
// owner registers it at the provider), so the connection (and its webhook id / signature key) is known
// before the body is read. Mounted before any body parser: signatures cover the raw bytes.
// Answers: 200 for an applied, duplicate or ignored event, for a payment we did not start (not_ours), and for a
// well-signed event we cannot use (unusable: logged and recorded, never refused, as a refusal is retried for days);
// 401 for a bad signature; 404 for an unknown connection or a payment of an order of ours that no checkout
// holds yet (the provider retries); 503 when a provider call failed (the provider retries).
import express, { Router } from 'express';
import type { PaymentProvider } from '../../generated/prisma/index.js';
import type { CheckoutService } from '../../modules/payments-processor/checkouts/checkout.service.js';

const PATHS: Record<string, PaymentProvider> = { paypal: 'PAYPAL', square: 'SQUARE', btcpay: 'BTCPAY' };

export function providerWebhooksRoutes(deps: { checkouts: CheckoutService; bodyLimit: string; publicBaseUrl?: string }): Router {
  const router = Router();
  router.post('/webhooks/:provider/:connectionId', express.raw({ type: () => true, limit: deps.bodyLimit }), async (req, res, next) => {
    const provider = PATHS[String(req.params.provider)];
    if (!provider) return next();
    try {
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v[0] : v]));
      // Square signs the URL it was configured with: behind a proxy that is the public URL, not req.url.
      const notificationUrl = `${(deps.publicBaseUrl ?? `${req.protocol}://${req.get('host')}`).replace(/\/+$/, '')}${req.originalUrl}`;
      const result = await deps.checkouts.handleWebhook(provider, String(req.params.connectionId), { rawBody, headers, notificationUrl });
      res.status(200).json({ received: true, outcome: result.outcome });
    } catch (err) {
      next(err);
    }
  });
  return router;
}
