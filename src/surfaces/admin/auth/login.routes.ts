// Login and logout for the panel (replacing @adminjs/express's handlers, which neither regenerate the
// session, check CSRF nor throttle). AdminJS still renders the login page; we handle the form post.
import express, { type Request, type Response, type Router } from 'express';
import type AdminJS from 'adminjs';
import { z } from 'zod';
import type { Db } from '../../../platform/db/prisma.js';
import { hashPassword, verifyPassword } from '../../../platform/crypto.js';
import type { Logger } from '../../../platform/logger.js';
import { CSRF_COOKIE, CSRF_FIELD, ensureCsrfToken, isSameOrigin, tokenMatches } from './csrf.js';
import { SESSION_COOKIE } from './admin-session.js';
import { withCsrfInHead } from './csrf-page.js';
import type { LoginThrottle } from './login-throttle.js';
import { isKnownDevice, rememberDevice } from './known-device.js';
import { recordAttempt } from './login-attempts.js';
import type { PanelAdmin } from './panel-admin.js';

const loginForm = z.object({
  email: z.string().trim().toLowerCase().min(3).max(254),
  password: z.string().min(1).max(1024),
  [CSRF_FIELD]: z.string().optional(),
});

export interface LoginRoutesDeps {
  admin: AdminJS;
  db: Db;
  throttle: LoginThrottle;
  logger: Logger;
  cookieSecure: boolean;
  publicBaseUrl?: string;
  now: () => Date;
  /** The session secrets, current first (the previous one during a rotation): sign the known-device proof. */
  secrets: readonly string[];
  /** The anti-forgery script (public/admin-csrf.js), put first in the login page's <head>. */
  csrfScript: string;
}

export function toPanelAdmin(u: { id: string; email: string; role: PanelAdmin['role']; tenantId: string | null }): PanelAdmin {
  return {
    id: u.id,
    email: u.email,
    title: u.role === 'PLATFORM_ADMIN' ? 'Platform admin' : u.role === 'TENANT_STAFF' ? 'Staff' : 'Shop admin',
    role: u.role,
    tenantId: u.tenantId,
  };
}

const PRE_LOGIN_SESSION_MS = 30 * 60_000;

/** Writes the session to the store now, not when the response ends. */
const saveSession = (req: Request) => new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));

// Compared against when the email is unknown, so a wrong email costs the same scrypt time as a wrong password.
let dummyHash: Promise<string> | undefined;

export function loginRoutes(router: Router, deps: LoginRoutesDeps): void {
  const { admin, db, throttle, logger } = deps;
  const action = admin.options.loginPath;

  const renderLogin = async (req: Request, res: Response, status: number, errorMessage: string | null) => {
    // A visitor who is not signed in gets a short-lived session (it only carries the login form's token),
    // so anonymous page views do not leave 8-hour rows in admin_sessions.
    if (!req.session.adminUser) req.session.cookie.maxAge = PRE_LOGIN_SESSION_MS;
    const token = ensureCsrfToken(req, res, deps.cookieSecure);
    // Stored before the page goes out: express-session would save it only while ending the response, after
    // sending all of the page but its last byte, and a form sent in between (autofill, a busy database)
    // found no session and was refused as expired.
    await saveSession(req);
    // AdminJS embeds these props in a single-quoted JS string: keep messages free of quotes.
    const html = await admin.renderLogin({ action, errorMessage: errorMessage?.replace(/['"\\]/g, '') ?? null });
    res
      .status(status)
      .type('html')
      .send(withCsrfInHead(html, { script: deps.csrfScript, token }));
  };

  // With Secure cookies over plain HTTP the browser would drop the session cookie and sign-in would fail
  // without a word: say so instead (an operator without TLS in front sets COOKIE_SECURE=false knowingly).
  const insecure = (req: Request) => deps.cookieSecure && !req.secure;
  const HTTPS_NEEDED = 'This panel only works over HTTPS (COOKIE_SECURE is on). Open it through your HTTPS address.';

  router.get('/login', async (req, res, next) => {
    try {
      if (req.session.adminUser) return res.redirect(admin.options.rootPath);
      if (insecure(req)) logger.warn('admin login page served over plain HTTP while COOKIE_SECURE is on');
      await renderLogin(req, res, 200, insecure(req) ? HTTPS_NEEDED : null);
    } catch (err) {
      next(err);
    }
  });

  router.post('/login', express.urlencoded({ extended: false, limit: '8kb' }), async (req, res, next) => {
    try {
      if (!isSameOrigin(req, deps.publicBaseUrl) || !tokenMatches(req, (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD])) {
        return await renderLogin(req, res, 403, 'Your sign-in form expired. Please try again.');
      }
      const parsed = loginForm.safeParse(req.body);
      if (!parsed.success) return await renderLogin(req, res, 400, 'Enter your email and password.');
      const { email, password } = parsed.data;
      const ip = req.ip ?? 'unknown';
      // Read before the reservation: the known-device proof is bound to the account's id and password hash.
      const user = await db.adminUser.findFirst({ where: { email: { equals: email, mode: 'insensitive' } } });
      const keys = { ip, email, knownDevice: isKnownDevice(req, user, deps.secrets) };
      const attempt = (outcome: string) => recordAttempt(db, logger, { email, ip, outcome });

      // Reserved before the password is checked: a refused attempt never gets its password looked at.
      const reservation = await throttle.reserve(keys);
      if (!reservation.ok) {
        await attempt('throttled');
        return await renderLogin(req, res, 429, lockMessage(reservation.until, deps.now(), reservation.reason));
      }

      dummyHash ??= hashPassword('not-a-real-password');
      const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash));
      if (!user || !ok) {
        await attempt('wrong_password');
        logger.warn({ email, ip }, 'admin login failed');
        return await renderLogin(req, res, 401, 'Wrong email or password.');
      }
      if (user.role !== 'PLATFORM_ADMIN' && !user.tenantId) {
        await attempt('no_shop');
        return await renderLogin(req, res, 403, 'This account is not linked to a shop. Ask a platform admin.');
      }
      await throttle.recordSuccess(keys);
      await attempt('ok');
      rememberDevice(res, user, deps.secrets[0]!, deps.cookieSecure);

      // A new session id at login: a session id planted before login (session fixation) is worthless after it.
      await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
      req.session.adminUser = toPanelAdmin(user);
      ensureCsrfToken(req, res, deps.cookieSecure);
      await saveSession(req);
      await db.adminUser.update({ where: { id: user.id }, data: { lastLoginAt: deps.now() } });
      logger.info({ adminId: user.id }, 'admin signed in');
      res.redirect(303, admin.options.rootPath);
    } catch (err) {
      next(err);
    }
  });

  const logout = (req: Request, res: Response) => {
    req.session.destroy(() => {
      res.clearCookie(SESSION_COOKIE, { path: '/admin' });
      res.clearCookie(CSRF_COOKIE, { path: '/admin' });
      res.redirect(303, action);
    });
  };
  // AdminJS's menu links to GET /logout; signing out is the only effect, so a forged GET can do no harm
  // beyond ending the session.
  router.get('/logout', logout);
}

function lockMessage(until: Date, now: Date, reason: 'account' | 'ip'): string {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  const wait = seconds < 90 ? `${seconds} second${seconds === 1 ? '' : 's'}` : `${Math.ceil(seconds / 60)} minutes`;
  return reason === 'ip'
    ? `Too many failed sign-in attempts from your network. Try again in ${wait}.`
    : `Too many failed sign-in attempts for this account. Try again in ${wait}, or sign in from a browser you have used here before.`;
}
