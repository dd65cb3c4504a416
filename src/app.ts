// buildApp(services): mounts each surface on one Express app, then the 404 and error handlers.
// Order matters: the Discord endpoint needs the raw body and AdminJS refuses a body parser mounted before it.
import express, { type Express } from 'express';
import type { Services } from './container.js';
import { errorHandler, notFoundHandler } from './surfaces/http/error-handler.js';
import { healthRoutes } from './surfaces/http/health.routes.js';
import { requestLogging } from './surfaces/http/request-logging.js';
import { discordInteractionsRouter } from './surfaces/discord/interactions.endpoint.js';
import { handleInteraction } from './surfaces/discord/dispatch.js';

export async function buildApp(services: Services): Promise<Express> {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestLogging(services.logger));
  app.use(healthRoutes({ checkDatabase: services.checkDatabase }));
  app.use(
    discordInteractionsRouter({
      publicKey: services.discordPublicKey,
      maxSignatureAgeSeconds: services.env.DISCORD_MAX_SIGNATURE_AGE_SECONDS,
      bodyLimit: services.env.BODY_LIMIT,
      handle: (interaction, ctx) => handleInteraction(services, interaction, ctx),
    }),
  );
  app.use(express.json({ limit: services.env.BODY_LIMIT }));
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
