// GET /metrics (Prometheus text format) for a scraper holding METRICS_TOKEN (Authorization: Bearer ...);
// without METRICS_TOKEN the endpoint does not exist (404), so nothing is exposed by accident. Also the
// request-latency middleware (per surface and route pattern) and the interaction timer for the Discord surface.
import type { APIInteraction, APIInteractionResponse } from 'discord-api-types/v10';
import type { RequestHandler, Router } from 'express';
import express from 'express';
import { safeEqual } from '../../platform/crypto.js';
import type { Metrics } from '../../platform/metrics.js';

const SURFACES: [RegExp, string][] = [
  [/^\/admin(\/|$)/, 'admin'],
  [/^\/api\/webhooks(\/|$)/, 'webhooks'],
  [/^\/api(\/|$)/, 'api'],
  [/^\/(healthz|readyz)$/, 'health'],
  [/^\/metrics$/, 'metrics'],
];

function surfaceOf(path: string): string {
  for (const [pattern, name] of SURFACES) if (pattern.test(path)) return name;
  return 'invoice'; // the invoice page and its checkout routes are the only others (404s are labelled unmatched)
}

/**
 * Times every request by surface and route *pattern* (never the raw path: ids would explode the label
 * set). Mounted after the Discord endpoint, which answers PINGs and interactions before reaching it.
 */
export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const path = req.originalUrl.split('?')[0] ?? '/';
      const surface = surfaceOf(path);
      // The matched route's pattern (req.route is set by the router that handled it); AdminJS's own
      // frontend assets and unmatched paths are grouped.
      const route = req.route?.path
        ? `${req.baseUrl}${String(req.route.path)}`
        : res.statusCode === 404
          ? 'unmatched'
          : surface === 'admin'
            ? '/admin/*'
            : 'other';
      metrics.httpDuration.observe(
        { surface, route, method: req.method, status: String(res.statusCode) },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    });
    next();
  };
}

const KINDS: Record<number, string> = { 1: 'ping', 2: 'command', 3: 'component', 4: 'autocomplete', 5: 'modal' };

/** The step an interaction is: its command name, or the fixed part of its custom id (never its parameters). */
export function interactionStep(interaction: APIInteraction): string {
  const data = (interaction as { data?: { name?: string; custom_id?: string } }).data;
  if (data?.name) return `/${data.name}`;
  if (data?.custom_id) {
    const fixed = data.custom_id
      .split(':')
      .filter((part) => /^[a-z][a-z-]*$/.test(part))
      .slice(0, 3);
    return fixed.join(':') || 'unknown';
  }
  return 'none';
}

/**
 * Times `handle`'s answers. `outcomeOf` names a successful answer's outcome label (the Discord surface tells a
 * direct answer, "ok", from its two kinds of deferral); a thrown error is "error".
 */
export function timedInteractions<C>(
  metrics: Metrics,
  handle: (interaction: APIInteraction, ctx: C) => Promise<APIInteractionResponse>,
  outcomeOf: (response: APIInteractionResponse) => string = () => 'ok',
): (interaction: APIInteraction, ctx: C) => Promise<APIInteractionResponse> {
  return async (interaction, ctx) => {
    const end = metrics.interactionDuration.startTimer({
      kind: KINDS[interaction.type] ?? String(interaction.type),
      step: interactionStep(interaction),
    });
    try {
      const response = await handle(interaction, ctx);
      end({ outcome: outcomeOf(response) });
      return response;
    } catch (err) {
      end({ outcome: 'error' });
      throw err;
    }
  };
}

export function metricsRoutes(opts: { metrics: Metrics; token?: string }): Router {
  const router = express.Router();
  if (!opts.token) return router;
  const expected = Buffer.from(`Bearer ${opts.token}`);
  router.get('/metrics', async (req, res, next) => {
    if (!safeEqual(Buffer.from(req.get('authorization') ?? ''), expected)) {
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer')
        .json({ error: { code: 'UNAUTHENTICATED', message: 'Send Authorization: Bearer <METRICS_TOKEN>.' } });
      return;
    }
    try {
      res
        .set('Content-Type', opts.metrics.registry.contentType)
        .set('Cache-Control', 'no-store')
        .send(await opts.metrics.registry.metrics());
    } catch (err) {
      next(err);
    }
  });
  return router;
}
