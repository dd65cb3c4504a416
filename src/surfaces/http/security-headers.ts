// Security headers from helmet on every surface, with a Content-Security-Policy per surface:
// - JSON surfaces (REST, Discord, health) and everything else: nothing may load or run (default-src 'none').
// - The invoice page sets its own, stricter-where-it-matters policy in its router (style by hash, form
//   posts to the processor); it replaces this one there.
// - The admin panel (AdminJS): its pages are rendered with inline scripts and styles, and its design system
//   loads fonts from Google Fonts, so scripts are allowed from 'self' and inline; nothing may frame it and
//   it may talk only to itself.
// API and health answers carry data that must never be cached: Cache-Control: no-store.
import type { RequestHandler } from 'express';
import helmet from 'helmet';

const base = {
  // HSTS only makes sense over HTTPS; helmet sends it always, browsers ignore it over HTTP.
  strictTransportSecurity: { maxAge: 180 * 24 * 3600, includeSubDomains: false },
  referrerPolicy: { policy: 'same-origin' as const },
  frameguard: { action: 'deny' as const },
};

const strict = helmet({
  ...base,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
  },
});

const adminPanel = helmet({
  ...base,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'unsafe-inline'"],
      styleSrc: ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'],
      fontSrc: ["'self'", 'data:', 'https://fonts.gstatic.com'],
      imgSrc: ["'self'", 'data:', 'blob:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
    },
  },
});

// Case-insensitive, as Express routes (`/API/orders` is the REST API, `/ADMIN/login` the panel): a path chosen by
// its case would send an API answer without no-store, or the panel under the policy that stops its scripts.
const NO_STORE = /^\/(api|healthz|readyz|invoice)(\/|$)/i;
const ADMIN = /^\/admin(\/|$)/i;

/**
 * The headers `strict` sets, as a flat [name, value, ...] list for res.writeHead, for the Discord endpoint:
 * it answers before this middleware runs (app.ts) and writes them in one call instead of helmet's dozen
 * setHeader calls per request. Read from helmet itself, once, so the list cannot drift from the policy above.
 */
export const strictHeaderList: readonly string[] = (() => {
  const headers: string[] = [];
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.push(name, String(value));
    },
    removeHeader(name: string) {
      for (let i = headers.length - 2; i >= 0; i -= 2) if (headers[i]!.toLowerCase() === name.toLowerCase()) headers.splice(i, 2);
    },
  };
  let ran = false;
  void strict({ method: 'POST', headers: {}, url: '/' } as never, recorder as never, () => void (ran = true));
  if (!ran) throw new Error('helmet did not finish synchronously; the Discord endpoint cannot copy its headers');
  return Object.freeze(headers);
})();

export const securityHeaders: RequestHandler = (req, res, next) => {
  if (NO_STORE.test(req.path)) res.set('Cache-Control', 'no-store');
  if (ADMIN.test(req.path)) return adminPanel(req, res, next);
  return strict(req, res, next);
};
