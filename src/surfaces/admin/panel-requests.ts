// What kind of request reached the panel, by method and path under /admin: one predicate per kind, shared by
// the router (sessions, cache headers, sign-in) and by the middlewares that rewrite the panel's HTML pages.
import type { Request } from 'express';

/** AdminJS's scripts and styles, and ours among them. */
export const ASSETS_PATH = '/frontend/assets/';

/** A static asset: the same for everyone, answered without a session (no Set-Cookie, no session read). */
export const isPublicAsset = (req: Request): boolean => (req.method === 'GET' || req.method === 'HEAD') && req.path.startsWith(ASSETS_PATH);

/**
 * A call of the panel's JSON API (/admin/api/...), in any case: Express matches routes case-insensitively, so AdminJS
 * runs /admin/API/resources/... as it runs /admin/api/resources/... (a button action acts on that GET). Read
 * case-sensitively, /API/ passed the CSRF check as a page (a security hunt, 2026-12-07), as /api/Pages/ once passed
 * the page check (pages/page-access.ts).
 */
export const isApiRequest = (req: Request): boolean => /^\/api\//i.test(req.path);

/** A GET that may answer with one of the panel's HTML pages (not its JSON API, not a static file). */
export const isPageRequest = (req: Request): boolean => req.method === 'GET' && !isApiRequest(req) && !/^\/frontend\//i.test(req.path);
