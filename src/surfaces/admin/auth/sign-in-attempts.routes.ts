// GET /admin/sign-in-attempts: the recent sign-in attempts on the accounts the signed-in admin may see
// (a platform admin: all; a shop admin: the shop's admin users; staff: their own), newest first, so an
// owner can tell whether someone is guessing at their account and from where.
import type { Router } from 'express';
import type { Db } from '../../../platform/db/prisma.js';
import type { PanelAdmin } from './panel-admin.js';
import { LOGIN_ATTEMPT_KEEP_MS } from './login-attempts.js';

export const SIGN_IN_ATTEMPTS_PATH = '/sign-in-attempts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const OUTCOMES: Record<string, string> = {
  ok: 'Signed in',
  wrong_password: 'Wrong email or password',
  throttled: 'Refused: too many attempts',
  no_shop: 'Refused: account not linked to a shop',
};

export async function visibleEmails(db: Db, admin: PanelAdmin): Promise<string[] | 'all'> {
  if (admin.role === 'PLATFORM_ADMIN') return 'all';
  if (admin.role === 'TENANT_ADMIN' && admin.tenantId) {
    const users = await db.adminUser.findMany({ where: { tenantId: admin.tenantId }, select: { email: true } });
    return users.map((u) => u.email.toLowerCase());
  }
  return [admin.email.toLowerCase()];
}

export interface SignInAttemptRow {
  at: string;
  email: string;
  ip: string;
  outcome: string;
}

/** The latest 100 attempts on the accounts the admin may see, newest first, outcomes in words. */
export async function recentSignInAttempts(db: Db, admin: PanelAdmin): Promise<{ scope: 'all' | 'shop'; attempts: SignInAttemptRow[] }> {
  const emails = await visibleEmails(db, admin);
  const attempts = await db.loginAttempt.findMany({
    where: emails === 'all' ? {} : { email: { in: emails } },
    orderBy: { at: 'desc' },
    take: 100,
  });
  return {
    scope: emails === 'all' ? 'all' : 'shop',
    attempts: attempts.map((a) => ({ at: a.at.toISOString(), email: a.email, ip: a.ip, outcome: OUTCOMES[a.outcome] ?? a.outcome })),
  };
}

/** The same list as a plain page (linked from the panel's "Sign-in attempts" page). */
export function signInAttemptsRoute(router: Router, deps: { db: Db }): void {
  router.get(SIGN_IN_ATTEMPTS_PATH, async (req, res, next) => {
    try {
      const { scope, attempts } = await recentSignInAttempts(deps.db, req.session.adminUser!);
      const rows = attempts
        .map(
          (a) =>
            `<tr><td>${esc(a.at.replace('T', ' ').slice(0, 19))} UTC</td><td>${esc(a.email)}</td><td>${esc(a.ip)}</td><td>${esc(a.outcome)}</td></tr>`,
        )
        .join('');
      res.type('html')
        .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sign-in attempts - Ledgerline</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1c1c38}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #ddd}th{background:#f4f4f8}</style></head>
<body><p><a href="/admin">&larr; Back to the panel</a></p><h1>Recent sign-in attempts</h1>
<p>${SIGN_IN_ATTEMPTS_INTRO(attempts.length, scope)}</p>
<table><thead><tr><th>When</th><th>Email</th><th>Address</th><th>Outcome</th></tr></thead><tbody>${rows || '<tr><td colspan="4">No attempts yet.</td></tr>'}</tbody></table></body></html>`);
    } catch (err) {
      next(err);
    }
  });
}

export const SIGN_IN_ATTEMPTS_INTRO = (count: number, scope: 'all' | 'shop') =>
  `The last ${count} attempts on ${scope === 'all' ? 'every account' : 'your shop\u2019s accounts'} (attempts are kept ${LOGIN_ATTEMPT_KEEP_MS / 86_400_000} days). Attempts from an unknown address you do not recognise mean someone is guessing: the account slows them down automatically.`;
