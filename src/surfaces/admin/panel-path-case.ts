// The panel answers at /admin, in lower case only. Express matches a mount path case-insensitively, so /ADMIN/login
// reached the panel, but the panel's cookies are set with Path=/admin, which browsers (and express-session) match
// case-sensitively: under /ADMIN the session was never read and the sign-in page answered 500, and a signed-in admin
// who followed such a link was a stranger there. A GET or HEAD is sent to the same address under /admin (301);
// anything else is not found (a form never posts there, and a redirected POST would only meet the CSRF check).
import type { RequestHandler } from 'express';

const PANEL_ROOT = '/admin';

export const panelPathCase: RequestHandler = (req, res, next) => {
  if (req.baseUrl === PANEL_ROOT) return next();
  // Origin-form targets only ("/ADMIN/login"): an absolute-form one ("http://host/ADMIN/login") is not rebuilt.
  if ((req.method === 'GET' || req.method === 'HEAD') && req.originalUrl.startsWith('/'))
    return res.redirect(301, `${PANEL_ROOT}${req.url}`);
  res.status(404).json({ error: { code: 'NOT_FOUND', message: `The admin panel is at ${PANEL_ROOT} (in lower case).` } });
};
