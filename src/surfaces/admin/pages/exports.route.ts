// GET /admin/exports/:kind?from=YYYY-MM-DD&to=YYYY-MM-DD: the "Tax & exports" page's CSV downloads, for
// the signed-in shop admin's shop (staff and platform admins are refused: the files carry every customer's
// orders). Same export service and streaming as the REST API (GET /api/exports/:kind); a bad request
// answers a short plain-text error, which the browser shows as a page: the page's link has no `download`
// attribute, so a CSV (Content-Disposition: attachment) is saved without leaving the page and an error is read.
import type { Router } from 'express';
import type { Services } from '../services.js';
import { isAppError } from '../../../platform/errors.js';
import { streamExport } from '../../../modules/exports/export.service.js';

/** Who may download a shop's exports: its admins (the files carry every customer's orders). The page asks it too. */
export function canDownloadExports<A extends { tenantId?: string | null; role?: string }>(
  admin: A | undefined,
): admin is A & { tenantId: string } {
  return Boolean(admin?.tenantId) && admin?.role === 'TENANT_ADMIN';
}

export function exportsRoute(router: Router, services: Services): void {
  router.get('/exports/:kind', async (req, res, next) => {
    const admin = req.session.adminUser;
    if (!canDownloadExports(admin)) {
      res.status(403).type('text/plain').send('Only a shop admin can download its exports.');
      return;
    }
    try {
      const exp = await services.exports.open(admin.tenantId, {
        kind: String(req.params.kind).replace(/\.csv$/, ''),
        from: typeof req.query.from === 'string' ? req.query.from : '',
        to: typeof req.query.to === 'string' ? req.query.to : '',
      });
      res.status(200).set({
        'Content-Type': 'text/csv; charset=utf-8; header=present',
        'Content-Disposition': `attachment; filename="${exp.filename}"`,
        'Cache-Control': 'no-store',
      });
      await streamExport(exp, res).catch((err: unknown) => services.logger.warn({ err, file: exp.filename }, 'CSV export ended early'));
    } catch (err) {
      if (isAppError(err)) {
        res.status(err.httpStatus).type('text/plain').send(err.message);
        return;
      }
      next(err);
    }
  });
}
