// buildApp(services): mounts each surface on one Express app, then the 404 and error handlers.
// Order matters: the Discord endpoint needs the raw body and AdminJS refuses a body parser mounted before it.
import { isAppError } from './platform/errors.js';
import express, { type Express } from 'express';
import type { IncomingMessage } from 'node:http';
import type { Services } from './container.js';
import { errorHandler, notFoundHandler } from './surfaces/http/error-handler.js';
import { healthRoutes } from './surfaces/http/health.routes.js';
import { faviconRoutes } from './surfaces/http/favicon.routes.js';
import { requestLogging } from './surfaces/http/request-logging.js';
import { securityHeaders, strictHeaderList } from './surfaces/http/security-headers.js';
import { adminListParams, refuseDuplicateJsonKeys, rejectUnsafeText } from './surfaces/http/input-hygiene.js';
import { byApiKey, byClientAddress, failedRequestLimit, rateLimit } from './surfaces/http/rate-limit.js';
import { discordInteractionsEndpoint } from './surfaces/discord/interactions.endpoint.js';
import { aheadOfExpress } from './surfaces/http/ahead-of-express.js';
import { answerOutcome } from './surfaces/discord/deferral.js';
import { handleInteraction } from './surfaces/discord/dispatch.js';
import { invoiceErrorPages, invoiceRoutes, sendInvoiceRateLimitedPage } from './surfaces/http/invoice/invoice.routes.js';
import { providerWebhooksRoutes } from './surfaces/http/provider-webhooks.routes.js';
import { apiRouter } from './surfaces/http/api/api.router.js';
import { apiDocsRoutes } from './surfaces/http/api/openapi/api-docs.routes.js';
import { lazyAdminRouter } from './surfaces/admin/index.js';
import { panelPathCase } from './surfaces/admin/panel-path-case.js';
import { httpMetrics, metricsRoutes, timedInteractions } from './surfaces/http/metrics.routes.js';

/**
 * Which surfaces to mount (PROCESS_ROLES: config/process-roles.ts). `web`: the Discord endpoint, REST,
 * invoice pages and provider webhooks; `admin`: the panel. Health and metrics are always there.
 */
export interface AppSurfaces {
  web: boolean;
  admin: boolean;
}

export async function buildApp(services: Services, surfaces: AppSurfaces = { web: true, admin: true }): Promise<Express> {
  const { env, logger, pool } = services;
  const app = express();
  app.disable('x-powered-by');
  // TRUST_PROXY (config/env.ts): which hops' X-Forwarded-* to believe, Express's own semantics. req.ip,
  // req.secure (Secure cookies) and the rate limits and login throttle all follow from it.
  app.set('trust proxy', env.TRUST_PROXY);
  const trustProxy = app.get('trust proxy fn') as (addr: string, hop: number) => boolean;
  const trustedCaller = (req: IncomingMessage): boolean => trustProxy(req.socket.remoteAddress ?? '', 0);
  // The Discord endpoint comes first, ahead of Express's own per-request set-up (ahead-of-express.ts): it
  // logs its own requests (cheaper than pino-http on the hot path) and writes the same security headers as
  // securityHeaders in one call (strictHeaderList, from helmet itself). What it passes on enters the app here.
  if (surfaces.web)
    app.use(
      aheadOfExpress(
        app,
        discordInteractionsEndpoint({
          publicKey: services.discordPublicKey,
          maxSignatureAgeSeconds: env.DISCORD_MAX_SIGNATURE_AGE_SECONDS,
          bodyLimit: env.BODY_LIMIT,
          handle: timedInteractions(services.metrics, (interaction, ctx) => handleInteraction(services, interaction, ctx), answerOutcome),
          logger,
          trustedCaller,
          responseHeaders: strictHeaderList,
        }),
      ),
    );
  app.use(securityHeaders);
  // After the Discord endpoint: its PINGs and interactions never pass through the HTTP timer.
  app.use(httpMetrics(services.metrics));
  app.use(metricsRoutes({ metrics: services.metrics, token: env.METRICS_TOKEN }));
  app.use(requestLogging(logger, { trustedCaller }));
  app.use(
    healthRoutes({
      checkDatabase: services.checkDatabase,
      botTokenRefusedAt: services.botToken.refusedAt,
      jobWorkerDownSince: services.jobWorkerChild.downSince,
      timeoutMs: services.env.READY_TIMEOUT_MS,
    }),
  );
  app.use(faviconRoutes());
  // Abuse limits, per path prefix so every route under it is covered (counters in PostgreSQL: rate-limit.ts).
  const minute = { pool, logger, windowSeconds: 60 };
  const apiKeyFailures = surfaces.web
    ? failedRequestLimit({
        ...minute,
        name: 'api-key-failures',
        points: env.RATE_LIMIT_API_PER_MINUTE,
        keyOf: byClientAddress,
        failed: (err: unknown) => isAppError(err) && err.code === 'UNAUTHENTICATED',
      })
    : null;
  if (surfaces.web) {
    const webhookLimit = rateLimit({ ...minute, name: 'webhooks', points: env.RATE_LIMIT_WEBHOOKS_PER_MINUTE, keyOf: byClientAddress });
    app.use('/webhooks', webhookLimit);
    // Keys that are no key, per client address: refused before the per-key limit (each made-up key would have a
    // budget of its own) and before the key lookup, once an address sent as many as a key may make requests.
    app.use('/api', apiKeyFailures!.refuseWhileOver);
    app.use('/api', rateLimit({ ...minute, name: 'api', points: env.RATE_LIMIT_API_PER_MINUTE, keyOf: byApiKey }));
    const invoiceLimit = {
      name: 'invoice',
      points: env.RATE_LIMIT_INVOICE_PER_MINUTE,
      keyOf: byClientAddress,
      refuse: sendInvoiceRateLimitedPage,
    };
    app.use('/invoice', rateLimit({ ...minute, ...invoiceLimit }));
    // Before the JSON parser: the providers' signatures cover the raw bytes.
    app.use(providerWebhooksRoutes({ checkouts: services.checkouts, bodyLimit: env.BODY_LIMIT, publicBaseUrl: env.PUBLIC_BASE_URL }));
  }
  // AdminJS parses its own bodies (it refuses a body parser mounted before it). Loaded on the first /admin
  // request, not here: it costs ~210 MB of RSS that a Discord-only process never needs.
  // The panel parses its own bodies; its query strings are checked here (NUL bytes, lone surrogates).
  if (surfaces.admin) {
    // Only under /admin as written (panel-path-case.ts): its cookies' path is matched case-sensitively.
    app.use('/admin', panelPathCase);
    app.use('/admin/api/resources/:resourceId/actions/list', adminListParams);
    app.use('/admin', rejectUnsafeText, lazyAdminRouter(services));
  }
  if (surfaces.web) {
    // A key named twice in one object is refused (input-hygiene.ts refuseDuplicateJsonKeys).
    app.use(express.json({ limit: env.BODY_LIMIT, verify: refuseDuplicateJsonKeys }));
    app.use(rejectUnsafeText);
    app.use(invoiceRoutes({ invoices: services.invoices, logger }));
    // What the parsers above refused on an invoice address answers as the invoice page does (HTML, its headers).
    app.use('/invoice', invoiceErrorPages);
    // The REST API, versioned: /api/v1 is the address to use; /api stays as its alias (the same routes).
    // Its description (/api/openapi.json, /api/docs) needs no API key, so it comes first.
    app.use(['/api/v1', '/api'], apiDocsRoutes());
    const api = apiRouter(services);
    app.use('/api/v1', api);
    app.use('/api', api);
    app.use('/api', apiKeyFailures!.countFailure);
  }
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
