// Puts one handler in front of an Express app: every request reaches it before Express does anything, and
// what it passes on (next()) is handled by the app as usual. For the Discord endpoint (app.ts): a signed PING
// or click then skips Express's per-request set-up, which swaps the prototypes of req and res
// (Object.setPrototypeOf: V8 deoptimises both objects) and walks the router's layers. Measured: signed PINGs
// went from ~0.6 to 1.2-1.4 times the rate of a bare Express handler (docs/perf/interactions.md).
//
// How: an Express app is a function that calls app.handle(req, res, next) (express/lib/express.js, the same
// in Express 4 and 5). Replacing app.handle covers every way the app is served: app.listen, http.createServer
// (app) and supertest(app), so the tests go the production way. Should an Express release rename it, every
// Discord test fails at once (the endpoint would no longer be mounted), not silently.
//
// An error the handler passes on (next(err): a body over the limit, an aborted body) is re-raised by the
// first middleware inside the app, so the app's error handler answers it as before.
import type { Express, RequestHandler } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';

type Handle = (req: IncomingMessage, res: ServerResponse, callback?: (err?: unknown) => void) => void;
export type AheadHandler = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

const PASSED_ERROR = Symbol('error passed on by the handler ahead of Express');

/** Runs `first` before `app` for every request; mount the returned middleware first inside the app. */
export function aheadOfExpress(app: Express, first: AheadHandler): RequestHandler {
  const expressApp = app as unknown as { handle: Handle };
  if (typeof expressApp.handle !== 'function') throw new Error('this Express has no app.handle: ahead-of-express.ts needs updating');
  const handle = expressApp.handle.bind(app);
  expressApp.handle = (req, res, callback) =>
    first(req, res, (err) => {
      if (err !== undefined) (req as unknown as Record<symbol, unknown>)[PASSED_ERROR] = err;
      handle(req, res, callback);
    });
  return (req, _res, next) => {
    const err = (req as unknown as Record<symbol, unknown>)[PASSED_ERROR];
    if (err === undefined) return next();
    delete (req as unknown as Record<symbol, unknown>)[PASSED_ERROR];
    next(err);
  };
}
