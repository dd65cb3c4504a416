// Who may open which custom page of the panel (Jobs, Tax & exports, ...). AdminJS 7 pages have no
// isAccessible/isVisible: every page is in every admin's menu and its API answers anyone signed in. This is
// the one rule for both, applied on the server:
// - GET/POST /pages/:name and /api/pages/:name answer 403 to an admin the page is not for;
// - the page is dropped from the menu the layout hands the browser (window.REDUX_STATE.pages), so the
//   navigation never shows it.
// The page handlers keep their own check as well (defence in depth).
import type { RequestHandler } from 'express';
import type { PanelAdmin } from '../auth/panel-admin.js';
import { isPageRequest } from '../panel-requests.js';

export type PageAccess = (admin: PanelAdmin | undefined) => boolean;

// Case-insensitive, as Express routes (and so AdminJS's) are: /api/Pages/jobs reached the page past a
// case-sensitive check (a security review, 2026-12-04; the page's own check still refused).
const PAGE_PATH = /^\/(api\/)?pages\/([^/]+)\/?$/i;
/** AdminJS's layout-template.js writes the store as one line: `window.REDUX_STATE = {...};` (JSON has no raw newline). */
const REDUX_STATE = /(window\.REDUX_STATE = )(.*);$/m;

function pageName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Pages missing from `access` are open to every signed-in admin. Mount after authentication, before AdminJS. */
export function pageAccess(access: Readonly<Record<string, PageAccess>>): RequestHandler {
  // By name in any case too: whatever case reaches a page is held to that page's rule.
  const rules = new Map(Object.entries(access).map(([name, rule]) => [name.toLowerCase(), rule]));
  const allowed = (name: string, admin: PanelAdmin | undefined) => {
    const rule = rules.get(name.toLowerCase());
    return rule ? rule(admin) : true;
  };
  return (req, res, next) => {
    // Read after the path checks: static assets come without a session (admin.router.ts).
    const page = PAGE_PATH.exec(req.path);
    if (page && !allowed(pageName(page[2]!), req.session.adminUser)) {
      const message = 'This page is not available to your account.';
      if (page[1]) res.status(403).json({ error: { code: 'FORBIDDEN', message } });
      else res.status(403).type('text/plain').send(message);
      return;
    }
    if (!isPageRequest(req)) return next();
    const admin = req.session.adminUser;
    const send = res.send.bind(res);
    res.send = ((body: unknown) => {
      if (typeof body === 'string' && REDUX_STATE.test(body)) {
        body = body.replace(REDUX_STATE, (_all, head: string, json: string) => {
          const state = JSON.parse(json) as { pages?: { name: string }[] };
          if (Array.isArray(state.pages)) state.pages = state.pages.filter((p) => allowed(p.name, admin));
          return `${head}${JSON.stringify(state)};`;
        });
      }
      return send(body);
    }) as typeof res.send;
    next();
  };
}
