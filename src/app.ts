// buildApp(services): mounts each surface on one Express app, then the 404 and error handlers.
// Order matters: the Discord endpoint needs the raw body and AdminJS refuses a body parser mounted before it.
import express, { type Express } from 'express';
import type { Services } from './container.js';
import { errorHandler, notFoundHandler } from './surfaces/http/error-handler.js';
import { healthRoutes } from './surfaces/http/health.routes.js';
import { requestLogging } from './surfaces/http/request-logging.js';
import { discordInteractionsRouter } from './surfaces/discord/interactions.endpoint.js';
import { handleInteraction } from './surfaces/discord/dispatch.js';
import { invoiceRoutes } from './surfaces/http/invoice/invoice.routes.js';
import { providerWebhooksRoutes } from './surfaces/http/provider-webhooks.routes.js';
import { apiRouter } from './surfaces/http/api/api.router.js';
import { lazyAdminRouter } from './surfaces/admin/index.js';

export async function buildApp(services: Services): Promise<Express> {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // The Discord endpoint comes first and logs its own requests (cheaper than pino-http on the hot path).
  app.use(
    discordInteractionsRouter({
      publicKey: services.discordPublicKey,
      maxSignatureAgeSeconds: services.env.DISCORD_MAX_SIGNATURE_AGE_SECONDS,
      bodyLimit: services.env.BODY_LIMIT,
      handle: (interaction, ctx) => handleInteraction(services, interaction, ctx),
      logger: services.logger,
    }),
  );
  app.use(requestLogging(services.logger));
  app.use(healthRoutes({ checkDatabase: services.checkDatabase }));
  // Before the JSON parser: the providers' signatures cover the raw bytes.
  app.use(providerWebhooksRoutes({ checkouts: services.checkouts, bodyLimit: services.env.BODY_LIMIT, publicBaseUrl: services.env.PUBLIC_BASE_URL }));
  // AdminJS parses its own bodies (it refuses a body parser mounted before it). Loaded on the first /admin
  // request, not here: it costs ~210 MB of RSS that a Discord-only process never needs.
  app.use('/admin', lazyAdminRouter(services));
  app.use(express.json({ limit: services.env.BODY_LIMIT }));
  app.use(invoiceRoutes({ invoices: services.invoices, logger: services.logger }));
  app.use('/api', apiRouter(services));
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
