// CSRF protection for the whole panel, in two independent layers:
// 1. Same-origin check: every state-changing request (and every /admin/api call) must carry an Origin (or,
//    failing that, a Referer) equal to this server's origin. Browsers always send Origin on cross-site
//    POSTs, so a forged form or fetch from another site is refused before anything runs.
// 2. Synchronizer token: a random per-session token, delivered in a JS-readable cookie and sent back by the
//    panel in the X-CSRF-Token header (admin-csrf.js adds it to AdminJS's XHR/fetch calls and as a _csrf
//    field to the login form). The server compares it with the copy in the session, never with the cookie.
// /admin/api GET calls are checked too (the path in any case: Express routes /admin/API/ to the same handlers):
// AdminJS routes GET and POST of an action to the same handler.
import type { Request, RequestHandler, Response } from 'express';
import { randomToken, safeEqual } from '../../../platform/crypto.js';
import { isApiRequest } from '../panel-requests.js';

export const CSRF_COOKIE = 'ledgerline_admin_csrf';
export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Makes sure the session has a token and the browser has the cookie that carries it to the page. */
export function ensureCsrfToken(req: Request, res: Response, secure: boolean): string {
  req.session.csrfToken ??= randomToken(32);
  const token = req.session.csrfToken;
  if (readCookie(req, CSRF_COOKIE) !== token) {
    res.cookie(CSRF_COOKIE, token, { httpOnly: false, secure, sameSite: 'strict', path: '/admin' });
  }
  return token;
}

function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

function originOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}

/** True when the request's Origin (or Referer) is this server, as the browser addressed it, or PUBLIC_BASE_URL. */
export function isSameOrigin(req: Request, publicBaseUrl?: string): boolean {
  const claimed = originOf(req.get('origin') ?? undefined) ?? originOf(req.get('referer') ?? undefined);
  if (!claimed) return false;
  const own = `${req.protocol}://${req.get('host') ?? ''}`;
  return claimed === own || (!!publicBaseUrl && claimed === originOf(publicBaseUrl));
}

export function tokenMatches(req: Request, sent: unknown): boolean {
  const expected = req.session?.csrfToken;
  if (!expected || typeof sent !== 'string' || !sent) return false;
  return safeEqual(Buffer.from(sent), Buffer.from(expected));
}

export function csrfRefusal(res: Response, message: string): void {
  res.status(403).json({ error: { code: 'FORBIDDEN', message } });
}

/** Guards every request after login (the login form checks its own token, see login.routes.ts). */
export function csrfProtection(opts: { publicBaseUrl?: string }): RequestHandler {
  return (req, res, next) => {
    // In any case (isApiRequest): /admin/API/... runs the same actions.
    const isApi = isApiRequest(req);
    if (SAFE_METHODS.has(req.method) && !isApi) return next();
    const origin = req.get('origin');
    // Same-origin GETs may come without Origin; an Origin that is present must be ours.
    const originOk = SAFE_METHODS.has(req.method)
      ? !origin || isSameOrigin(req, opts.publicBaseUrl)
      : isSameOrigin(req, opts.publicBaseUrl);
    if (!originOk) return csrfRefusal(res, 'Cross-site request refused (Origin/Referer is not this panel).');
    if (!tokenMatches(req, req.get(CSRF_HEADER))) {
      return csrfRefusal(res, 'Missing or invalid CSRF token. Reload the page and try again.');
    }
    next();
  };
}
