// "Change password" page of the panel: every signed-in admin changes their own password (the current one
// is required). The panel's other sessions of this admin end; this one stays signed in. The admin is the
// session's (context.currentAdmin), never a form field.
import type { PageHandler } from 'adminjs';
import type { Services } from '../services.js';
import { createAdminAccountsService, MIN_ADMIN_PASSWORD_LENGTH } from '../../../modules/admin-accounts/admin-accounts.service.js';
import { AppError } from '../../../platform/errors.js';
import type { PanelAdmin } from '../auth/panel-admin.js';
import { countWords } from '../../../platform/count-words.js';

export const ACCOUNT_PAGE = 'changePassword';

export function accountPasswordPage(services: Services, component: string): { handler: PageHandler; component: string; icon: string } {
  const accounts = createAdminAccountsService({ db: services.db });
  const handler: PageHandler = async (request, _response, context) => {
    const admin = context.currentAdmin as PanelAdmin | undefined;
    if (!admin?.id) return { notice: { type: 'error', message: 'You are not signed in.' } };
    if (request.method !== 'post') return { email: admin.email, minLength: MIN_ADMIN_PASSWORD_LENGTH };
    const body = (request.payload ?? {}) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    if (text(body.newPassword) !== text(body.confirmPassword)) {
      return { notice: { type: 'error', message: 'The new password and its confirmation differ.' } };
    }
    try {
      const { sessionsEnded } = await accounts.changeOwnPassword({
        adminId: admin.id,
        currentPassword: text(body.currentPassword),
        newPassword: text(body.newPassword),
        keepSessionId: (request as { sessionID?: string }).sessionID,
      });
      services.logger.info({ adminId: admin.id, sessionsEnded }, 'admin changed their password');
      const others = sessionsEnded ? ` ${countWords(sessionsEnded, 'other session was', 'other sessions were')} signed out.` : '';
      return { changed: true, notice: { type: 'success', message: `Password changed.${others}` } };
    } catch (err) {
      if (err instanceof AppError) return { notice: { type: 'error', message: err.message } };
      throw err;
    }
  };
  return { handler, component, icon: 'Key' };
}
