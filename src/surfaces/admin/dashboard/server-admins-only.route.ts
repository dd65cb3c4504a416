// POST /admin/api/shop/server-admins-only {"chosen": true|false}: the dashboard's "Keep it to the server's
// administrators" and its Undo (modules/tenants/server-admins-only.ts). Only a shop's admin (not its staff, who
// may not change the shop's settings; not a platform admin, who has no shop). Mounted after the CSRF check. A body
// naming a key twice is refused (panel-json.ts).
import type { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { AppError } from '../../../platform/errors.js';
import { setServerAdminsOnly } from '../../../modules/tenants/server-admins-only.js';
import { isTenantAdmin, panelActorOf, type PanelAdmin } from '../auth/panel-admin.js';
import { panelJson } from '../panel-json.js';

export const SERVER_ADMINS_ONLY_PATH = '/api/shop/server-admins-only';

const Body = z.object({ chosen: z.boolean() }).strict();

export function serverAdminsOnlyRoute(router: Router, services: Pick<Services, 'db' | 'audit'>): void {
  // Refusals go to the app's one error writer (through the panel's error handler): { error: { code, message, requestId } }.
  router.post(SERVER_ADMINS_ONLY_PATH, panelJson({ limit: '1kb' }), async (req, res, next) => {
    try {
      const admin = req.session.adminUser as PanelAdmin | undefined;
      if (!admin || !isTenantAdmin(admin)) throw new AppError('FORBIDDEN', 'Only a shop admin can choose who the admins are in Discord.');
      const body = Body.safeParse(req.body);
      if (!body.success) throw new AppError('VALIDATION_FAILED', 'Send {"chosen": true} or {"chosen": false}.');
      await setServerAdminsOnly(services, { tenantId: admin.tenantId!, actor: panelActorOf(admin) }, body.data.chosen);
      res.json({ chosen: body.data.chosen });
    } catch (err) {
      next(err);
    }
  });
}
