// Sends an opened export (modules/exports) as a CSV download: the download headers, then the rows piped
// batch by batch (streamExport: backpressure, and a client that leaves ends the read).
import type { Response } from 'express';
import { streamExport, type OpenExport } from '../../modules/exports/export.service.js';
import type { Logger } from '../../platform/logger.js';

export async function sendCsvExport(res: Response, exp: OpenExport, logger: Logger): Promise<void> {
  res.status(200).set({
    'Content-Type': 'text/csv; charset=utf-8; header=present',
    'Content-Disposition': `attachment; filename="${exp.filename}"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  try {
    await streamExport(exp, res);
  } catch (err) {
    // Headers are gone: the client sees a cut response. Usually the client left; log it either way.
    logger.warn({ err, file: exp.filename }, 'CSV export ended early');
  }
}
