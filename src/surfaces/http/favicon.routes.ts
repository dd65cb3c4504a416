// Every browser asks for /favicon.ico on each page it opens; without an icon each of those requests was a 404,
// in the access log and in the browser's console. The SVG is answered there too, and at the path the admin
// panel and the invoice page link.
import { Router } from 'express';
import { FAVICON_PATH, FAVICON_SVG } from '../../platform/favicon.js';

export function faviconRoutes(): Router {
  const router = Router();
  router.get([FAVICON_PATH, '/favicon.ico'], (_req, res) => {
    // A day: the icon changes with a release at most.
    res.type('image/svg+xml').set('Cache-Control', 'public, max-age=86400').send(FAVICON_SVG);
  });
  return router;
}
