// The REST API's description, open to everyone (no API key; it holds no shop data):
//   GET /api/openapi.json (and /api/v1/openapi.json)  the OpenAPI 3.1 document (openapi.document.ts)
//   GET /api/docs (and /api/v1/docs)                   a reference page rendered by Swagger UI, served from
//                                                      the swagger-ui-dist package (no CDN: nothing outside
//                                                      this server is loaded)
// The page has its own Content-Security-Policy: scripts only from this server (the start-up script is a
// file, not inline), Swagger UI's inline style attributes, data: images, and fetches to this server only.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import express, { Router } from 'express';
import { AppError } from '../../../../platform/errors.js';
import { methodNotAllowed } from '../../method-not-allowed.js';
import { buildOpenApiDocument } from './openapi.document.js';

const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Only these files of the package are served. */
const ASSETS = new Set(['swagger-ui-bundle.js', 'swagger-ui.css', 'favicon-32x32.png', 'favicon-16x16.png']);

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ledgerline REST API reference</title>
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
<link rel="icon" type="image/png" href="docs/assets/favicon-32x32.png">
</head>
<body>
<div id="api-reference" data-spec-url="openapi.json"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/init.js"></script>
</body>
</html>
`;

// Relative URLs above resolve against /api/docs -> /api/docs/assets/..., and openapi.json -> /api/openapi.json.
const INIT = `window.addEventListener('load', function () {
  var el = document.getElementById('api-reference');
  window.ui = SwaggerUIBundle({
    url: el.getAttribute('data-spec-url'),
    domNode: el,
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: false,
    persistAuthorization: false
  });
});
`;

export function apiDocsRoutes(): Router {
  const router = Router();
  let document: string | undefined;
  const assetDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  // POST /api/openapi.json and the like: 405 with Allow, as on every REST path (the assets too: express.static's own
  // 405 has no body).
  const served = ['/openapi.json', '/docs', '/docs/init.js', ...[...ASSETS].map((file) => `/docs/assets/${file}`)];
  router.use(methodNotAllowed(served.map((path) => ({ method: 'GET', path }))));

  router.get('/openapi.json', (_req, res) => {
    document ??= JSON.stringify(buildOpenApiDocument());
    res.type('application/json').send(document);
  });
  router.get('/docs', (req, res) => {
    // /api/docs/ would resolve the page's relative URLs one level too deep.
    if (req.originalUrl.split('?')[0]!.endsWith('/')) return res.redirect(301, `${req.baseUrl}/docs`);
    res.set({ 'Content-Security-Policy': DOCS_CSP, 'Cache-Control': 'no-cache' }).type('html').send(PAGE);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.set({ 'Cache-Control': 'public, max-age=300' }).type('application/javascript').send(INIT);
  });
  const assets = express.static(assetDir, { index: false, fallthrough: false, maxAge: '1d' });
  router.use('/docs/assets', (req, res, next) => {
    if (!ASSETS.has(req.path.replace(/^\//, '')))
      return next(new AppError('NOT_FOUND', `No route for ${req.method} ${req.originalUrl.split('?')[0]}`));
    assets(req, res, next);
  });
  return router;
}
