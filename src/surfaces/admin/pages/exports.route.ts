// GET /admin/exports/:kind?from=YYYY-MM-DD&to=YYYY-MM-DD: the "Tax & exports" page's CSV downloads, for
// the signed-in shop admin's shop (staff and platform admins are refused: the files carry every customer's
// orders). Same export service and streaming as the REST API (GET /api/exports/:kind); a bad request
// answers a short plain-text error, since the browser shows it as the download's page.
import type { Router } from 'express';
import type { Services } from '../services.js';
import { isAppError } from '../../../platform/errors.js';
import { streamExport } from '../../../modules/exports/export.service.js';

export function exportsRoute(router: Router, services: Services): void {
  router.get('/exports/:kind', async (req, res, next) => {
    const admin = req.session.adminUser;
    if (!admin?.tenantId || admin.role !== 'TENANT_ADMIN') {
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
