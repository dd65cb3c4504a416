// One rule for every method a path of ours does not take: 405 METHOD_NOT_ALLOWED in the shared JSON error body, with
// an Allow header listing the methods it does take (RFC 9110 15.5.6), instead of Express's fall-through 404 "No route"
// (DELETE /api/v1/orders/ord_… answered 404 while GET of the same path answered the order). Built from the list of
// routes a router serves (the REST API's operations table, the description's routes), so a path or method added
// there is covered without anyone remembering to. OPTIONS passes on (Express answers it with the same Allow list).
import { Router } from 'express';
import { AppError } from '../../platform/errors.js';

export interface ServedRoute {
  method: string;
  /** In OpenAPI form (/orders/{id}) or Express form (/orders/:id). */
  path: string;
}

/** The methods each path takes, as Allow lists them: upper case, HEAD with GET (Express answers HEAD from the GET route). */
export function allowedMethods(routes: readonly ServedRoute[]): Map<string, string[]> {
  const byPath = new Map<string, Set<string>>();
  for (const { method, path } of routes) {
    const methods = byPath.get(path) ?? new Set<string>();
    methods.add(method.toUpperCase());
    if (method.toUpperCase() === 'GET') methods.add('HEAD');
    byPath.set(path, methods);
  }
  return new Map([...byPath].map(([path, methods]) => [path, [...methods]]));
}

/** A router answering 405 (with Allow) to a method none of `routes` takes on a path one of them serves; anything else passes on. */
export function methodNotAllowed(routes: readonly ServedRoute[]): Router {
  const router = Router();
  for (const [path, methods] of allowedMethods(routes)) {
    const allow = methods.join(', ');
    router.all(path.replace(/\{(\w+)\}/g, ':$1'), (req, res, next) => {
      if (req.method === 'OPTIONS' || methods.includes(req.method)) return next();
      res.set('Allow', allow);
      next(
        new AppError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${req.baseUrl}${req.path}: it takes ${allow}.`, {
          method: req.method,
          allow: methods,
        }),
      );
    });
  }
  return router;
}
