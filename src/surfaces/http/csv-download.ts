// Sends an opened export (modules/exports) as a CSV download: stream.pipeline from the export's chunks to
// the response, so each batch is read from the database only when the client has taken the previous one
// (backpressure), and a client that leaves ends the read. The export is closed however the response ends.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import type { OpenExport } from '../../modules/exports/export.service.js';
import type { Logger } from '../../platform/logger.js';

export async function sendCsvExport(res: Response, exp: OpenExport, logger: Logger): Promise<void> {
  res.status(200).set({
    'Content-Type': 'text/csv; charset=utf-8; header=present',
    'Content-Disposition': `attachment; filename="${exp.filename}"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  try {
    await pipeline(Readable.from(exp.chunks, { objectMode: false }), res);
  } catch (err) {
    // Headers are gone: the client sees a cut response. Usually the client left; log it either way.
    logger.warn({ err, file: exp.filename }, 'CSV export ended early');
  } finally {
    await exp.close();
  }
}
