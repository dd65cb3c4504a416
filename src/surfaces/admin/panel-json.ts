// The panel's JSON bodies, under the app's one rule for JSON (platform/json-duplicate-keys.ts
// refuseDuplicateJsonKeys): a key named twice in one object is refused with 400 naming it, as the REST API does.
// Two places read JSON in the panel:
// - its own routes (the dashboard's "Keep it to the server's administrators": `panelJson`);
// - AdminJS's actions: @adminjs/express parses every body with express-formidable (formidable 1.x), which reads
//   application/json with JSON.parse (the last of two values wins) besides multipart and urlencoded forms. The
//   panel's own components send JSON there (api-key-create.tsx, invoice-link.tsx, payments-settings.tsx...; AdminJS's
//   ApiClient posts a plain object as JSON). `adminJsJsonBodies` parses those here instead and hands AdminJS the
//   same fields formidable would (the body's top-level keys, as `req.fields`); express-formidable skips a request
//   already parsed. Multipart and urlencoded bodies are panel-form-fields.ts's (a field named twice refused too).
import type { IncomingMessage } from 'node:http';
import express, { type RequestHandler } from 'express';
import { refuseDuplicateJsonKeys } from '../../platform/json-duplicate-keys.js';

/**
 * express.json with the app's duplicate-key refusal. A body it refuses (a key named twice, not JSON, too large) goes
 * on with next(err): the panel's router hands it to the app's one error writer (admin.router.ts adminErrorHandler ->
 * surfaces/http/error-handler.ts), which answers it as the REST API's (400/413, { error: { code, message, ... } }).
 */
export function panelJson(opts: { limit: string; type?: (req: IncomingMessage) => boolean }): RequestHandler {
  return express.json({ limit: opts.limit, verify: refuseDuplicateJsonKeys, ...(opts.type ? { type: opts.type } : {}) });
}

/**
 * A body formidable would read as JSON (incoming_form.js `_parseContentType`): it tests octet-stream, urlencoded
 * and multipart first, then /json/i over the whole header. Taken in that order here, so a multipart upload whose
 * boundary happens to hold "json" stays formidable's; only the media type is tested for JSON.
 */
function formidableReadsAsJson(req: IncomingMessage): boolean {
  const type = req.headers['content-type'] ?? '';
  if (/octet-stream|urlencoded|multipart/i.test(type)) return false;
  return /json/i.test(type.split(';')[0]!);
}

/** Before @adminjs/express's router: the JSON bodies formidable would parse, parsed under the rule instead. */
export function adminJsJsonBodies(opts: { limit: string }): RequestHandler {
  const parse = panelJson({ limit: opts.limit, type: formidableReadsAsJson });
  return (req, res, next) => {
    if (!formidableReadsAsJson(req)) return next();
    parse(req, res, (err?: unknown) => {
      if (err) return next(err);
      const body: unknown = req.body;
      Object.assign(req, {
        fields: body && typeof body === 'object' ? { ...(body as object) } : {},
        files: {},
        express_formidable: { parsed: true },
      });
      next();
    });
  };
}
