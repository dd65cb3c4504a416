// The REST API under /api: every route authenticated by an API key (the tenant comes from the key).
// Thin handlers: zod in, one service call, JSON out; errors go to the shared JSON error handler.
import { Router } from 'express';
import type { Services } from '../services.js';
import { apiKeyAuth } from './api-context.js';
import { customersRoutes } from './customers.routes.js';
import { declaredQuery } from './declared-query.js';
import { idempotency } from './idempotency.js';
import { methodNotAllowed } from '../method-not-allowed.js';
import { invoiceLinksRoutes } from './invoice-links.routes.js';
import { API_OPERATIONS } from './openapi/api.operations.js';
import { ordersRoutes } from './orders.routes.js';
import { paymentsRoutes } from './payments.routes.js';
import { paymentWindowRoutes } from './payment-window.routes.js';
import { productsRoutes } from './products.routes.js';
import { exportsRoutes } from './exports.routes.js';
import { refundsRoutes } from './refunds.routes.js';
import { shopCurrencyRoutes } from './shop-currency.routes.js';

export function apiRouter(services: Services): Router {
  const router = Router();
  // A method a path does not take is 405 with Allow (method-not-allowed.ts), before the API key is read: what a path
  // takes is public (the OpenAPI document), a read-only key would otherwise be told to get a read-and-write key for a
  // method no key may send, and no Idempotency-Key is claimed for a request nothing can serve.
  router.use(methodNotAllowed(API_OPERATIONS));
  router.use(apiKeyAuth(services.apiKeys));
  // Each operation's query parameters are those it declares, or none (declared-query.ts): a 400 naming the
  // parameter otherwise, before an Idempotency-Key is claimed or anything runs.
  router.use(declaredQuery(API_OPERATIONS));
  // Every state-changing call accepts an Idempotency-Key (see idempotency.ts).
  router.use(idempotency({ db: services.db, logger: services.logger }));
  router.use(ordersRoutes(services));
  router.use(paymentsRoutes(services));
  router.use(refundsRoutes(services));
  router.use(invoiceLinksRoutes(services));
  router.use(paymentWindowRoutes(services));
  router.use(productsRoutes(services));
  router.use(exportsRoutes(services));
  router.use(customersRoutes(services));
  router.use(shopCurrencyRoutes(services));
  return router;
}
