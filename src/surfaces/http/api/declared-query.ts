// The query parameters of every REST operation are the ones the operations table declares for it
// (openapi/api.operations.ts, the source of the OpenAPI document): none when it declares no query. Checked here for
// every operation, before its handler, by the one rule of platform/validate.ts parseQuery (each parameter once, by a
// name the operation takes, then its value), so a route added later keeps it without anyone remembering to call
// it: GET /exports/{kind} ignored every parameter but from and to, and POST /customers/{id}/erase?dryRun=true erased.
import { Router, type Response } from 'express';
import type { z } from 'zod';
import { NO_QUERY, parseQuery } from '../../../platform/validate.js';
import type { ApiOperation } from './openapi/api.operations.js';

interface Parsed {
  schema: z.ZodObject;
  value: unknown;
}

/** Checks each request to an operation of `operations` against its declared query, leaving the parsed values for queryOf. */
export function declaredQuery(operations: readonly ApiOperation[]): Router {
  const router = Router();
  for (const path of new Set(operations.map((op) => op.path))) {
    // router.all: a check, not a route of its own (the handler is the route that follows it).
    router.all(path.replace(/\{(\w+)\}/g, ':$1'), (req, res, next) => {
      // Express answers HEAD from the GET route.
      const method = req.method === 'HEAD' ? 'get' : req.method.toLowerCase();
      const op = operations.find((o) => o.path === path && o.method === method);
      if (op) {
        const schema = op.query ?? NO_QUERY;
        const parsed: Parsed = { schema, value: parseQuery(schema, req.query) };
        res.locals.query = parsed;
      }
      next();
    });
  }
  return router;
}

/** The query declaredQuery parsed for this request with `schema` (the one the operation declares). */
export function queryOf<S extends z.ZodObject>(res: Response, schema: S): z.output<S> {
  const parsed = res.locals.query as Parsed | undefined;
  // A handler reading another schema than its operation declares is a bug, not the caller's error.
  if (parsed?.schema !== schema) throw new Error('queryOf: the operation does not declare this query schema (openapi/api.operations.ts)');
  return parsed.value as z.output<S>;
}
