// GET /api/exports/:kind?from=YYYY-MM-DD&to=YYYY-MM-DD: the bookkeeping CSVs (orders, payments, refunds,
// tax) for a date range in the shop's time zone, streamed (modules/exports/export.service.ts). ".csv" may
// end the kind (/api/exports/orders.csv). Errors before the first byte are the API's JSON errors.
import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { parseInput } from '../../../platform/validate.js';
import { sendCsvExport } from '../csv-download.js';
import { ctxOf } from './api-context.js';

export const exportQuery = z.object({ from: z.string().trim().max(10), to: z.string().trim().max(10) });

export function exportsRoutes(services: Services): Router {
  const router = Router();
  router.get('/exports/:kind', async (req, res) => {
    const { from, to } = parseInput(exportQuery, { from: req.query.from, to: req.query.to }, 'export range');
    const kind = String(req.params.kind).replace(/\.csv$/, '');
    const exp = await services.exports.open(ctxOf(res).tenantId, { kind, from, to });
    await sendCsvExport(res, exp, services.logger);
  });
  return router;
}
