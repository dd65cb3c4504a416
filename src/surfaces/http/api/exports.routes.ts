// GET /api/exports/:kind?from=YYYY-MM-DD&to=YYYY-MM-DD: the bookkeeping CSVs (orders, payments, refunds,
// tax) for a date range in the shop's time zone, streamed (modules/exports/export.service.ts). ".csv" may
// end the kind (/api/exports/orders.csv). Errors before the first byte are the API's JSON errors.
import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { sendCsvExport } from '../csv-download.js';
import { ctxOf } from './api-context.js';
import { queryOf } from './declared-query.js';

/** A day of the range as sent: the export service checks that it is a real day (isCalendarDay), and names it. */
const day = (what: string) => z.string({ error: 'a date, YYYY-MM-DD (required)' }).max(10, 'a date, YYYY-MM-DD').describe(what);

/**
 * The range, and nothing else: the export has no other filter, and a parameter it would ignore (status=paid) is
 * refused rather than answered with every order (declared-query.ts).
 */
export const exportQuery = z.strictObject({
  from: day("The first day (YYYY-MM-DD, in the shop's time zone)"),
  to: day('The last day, included (YYYY-MM-DD)'),
});

export function exportsRoutes(services: Services): Router {
  const router = Router();
  router.get('/exports/:kind', async (req, res) => {
    const { from, to } = queryOf(res, exportQuery);
    const kind = String(req.params.kind).replace(/\.csv$/, '');
    const exp = await services.exports.open(ctxOf(res).tenantId, { kind, from, to });
    await sendCsvExport(res, exp, services.logger);
  });
  return router;
}
