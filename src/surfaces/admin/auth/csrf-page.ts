// Puts the anti-forgery script and the session's token INTO every panel page, first thing in <head>.
// Why: AdminJS's layout (adminjs/lib/frontend/layout-template.js) writes `assets.scripts` at the END of
// <body>, after the inline script that calls root.render(AdminJS.Application). React schedules that render
// as a task, so when the external script is slow to arrive (a busy machine, a cold cache, the first load
// after a bundle rebuild) the first API calls of the page (records, the record, the dashboard) leave
// without the X-CSRF-Token header, are refused with 403 and the page shows "There was an error fetching
// records" / "Page not found". An inline script in <head> runs before any AdminJS bundle is even parsed, so
// no request of the page can overtake it; the token is in the page too, so even a missing cookie (a session
// older than its token) cannot leave the first call without one.
import type { Request, RequestHandler } from 'express';
import { ensureCsrfToken } from './csrf.js';
import { isPageRequest } from '../panel-requests.js';

/** `<` is escaped so that nothing in the token or the script can close the inline <script> element. */
function inlineScript(js: string): string {
  return `<script>${js.replace(/<\/(script)/gi, '<\\/$1')}</script>`;
}

/**
 * An HTML page with the token (window.LEDGERLINE_CSRF), the page context (window.LEDGERLINE_PAGE) and the
 * anti-forgery script first in its <head>; anything that is not an HTML document is returned unchanged.
 * Panel pages get it from csrfInPage, the login page from login.routes.ts: on the login page too, React
 * renders the form before the script at the end of <body> has arrived, and a form posted in between went
 * without its _csrf field ("Your sign-in form expired").
 */
export function withCsrfInHead(html: string, page: { script: string; token: string; context?: Record<string, unknown> }): string {
  if (!/^\s*<!DOCTYPE html>/i.test(html)) return html;
  const globals = `window.LEDGERLINE_CSRF=${JSON.stringify(page.token)};window.LEDGERLINE_PAGE=${JSON.stringify(page.context ?? {})};`;
  return html.replace(/<head>/i, `<head>${inlineScript(globals)}${inlineScript(page.script)}`);
}

/**
 * `pageContext` adds what the panel's components need on every page (the shop's time zone and the one
 * date format), as window.LEDGERLINE_PAGE.
 */
export function csrfInPage(opts: {
  script: string;
  secure: boolean;
  pageContext?: (req: Request) => Promise<Record<string, unknown>>;
}): RequestHandler {
  return async (req, res, next) => {
    if (!isPageRequest(req)) return next();
    try {
      const token = ensureCsrfToken(req, res, opts.secure);
      const context = opts.pageContext ? await opts.pageContext(req) : {};
      const send = res.send.bind(res);
      res.send = ((body: unknown) =>
        send(typeof body === 'string' ? withCsrfInHead(body, { script: opts.script, token, context }) : body)) as typeof res.send;
      next();
    } catch (err) {
      next(err);
    }
  };
}
