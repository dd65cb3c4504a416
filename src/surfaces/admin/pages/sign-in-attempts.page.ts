// "Sign-in attempts" page of the panel's menu: the recent sign-in attempts on the accounts the signed-in
// admin may see (auth/sign-in-attempts.routes.ts decides which), newest first, in the shop's time zone.
import type { PageHandler } from 'adminjs';
import type { Services } from '../services.js';
import { formatDateTime } from '../../../platform/time-format.js';
import { recentSignInAttempts, SIGN_IN_ATTEMPTS_INTRO } from '../auth/sign-in-attempts.routes.js';
import type { PanelAdmin } from '../auth/panel-admin.js';
import { shopTimeZone } from '../shop-time-zone.js';

export const SIGN_IN_ATTEMPTS_PAGE = 'signInAttempts';

export function signInAttemptsPage(services: Services, component: string): { handler: PageHandler; component: string; icon: string } {
  const handler: PageHandler = async (_request, _response, context) => {
    const admin = context.currentAdmin as PanelAdmin | undefined;
    if (!admin?.id) return { notice: { type: 'error', message: 'You are not signed in.' } };
    const [{ scope, attempts }, timeZone] = await Promise.all([
      recentSignInAttempts(services.db, admin),
      shopTimeZone(services.db, admin.tenantId),
    ]);
    return {
      intro: SIGN_IN_ATTEMPTS_INTRO(attempts.length, scope),
      attempts: attempts.map((a) => ({ ...a, when: formatDateTime(new Date(a.at), timeZone) })),
    };
  };
  return { handler, component, icon: 'Shield' };
}
