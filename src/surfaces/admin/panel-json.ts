// The panel's JSON bodies, under the app's one rule for JSON (platform/json-duplicate-keys.ts
// refuseDuplicateJsonKeys): a key named twice in one object is refused with 400 naming it, as the REST API does.
// Two places read JSON in the panel:
// - its own routes (the dashboard's "Keep it to the server's administrators": `panelJson`);
// - AdminJS's actions: @adminjs/express parses every body with express-formidable (formidable 1.x), which reads
//   application/json with JSON.parse (the last of two values wins) besides multipart and urlencoded forms. The
//   panel's own components send JSON there (api-key-create.tsx, invoice-link.tsx, payments-settings.tsx...; AdminJS's
//   ApiClient posts a plain object as JSON). `adminJsJsonBodies` parses those here instead and hands AdminJS the
//   same fields formidable would (the body's top-level keys, as `req.fields`); express-formidable skips a request
//   already parsed. Multipart and urlencoded bodies are left to formidable: AdminJS's forms send an array as
//   `name.0`, `name.1`, never as a repeated name.
import type { IncomingMessage } from 'node:http';
import express, { type RequestHandler, type Response } from 'express';
import { isAppError } from '../../platform/errors.js';
import { refuseDuplicateJsonKeys } from '../../platform/json-duplicate-keys.js';

/** A JSON body the panel refuses, answered as its other API errors are ({ error: { code, message } }). */
function refuseBody(res: Response, err: unknown): void {
  const e = err as { type?: string; status?: number };
  if (isAppError(err)) {
    res.status(err.httpStatus).json({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } });
  } else if (e?.type === 'entity.too.large') {
    res.status(413).json({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' } });
  } else {
    res.status(400).json({ error: { code: 'VALIDATION_FAILED', message: 'The request body is not valid JSON.' } });
  }
}

/** express.json with the app's duplicate-key refusal; a refused body is answered here (400/413), never a 500. */
export function panelJson(opts: { limit: string; type?: (req: IncomingMessage) => boolean }): RequestHandler {
  const parse = express.json({ limit: opts.limit, verify: refuseDuplicateJsonKeys, ...(opts.type ? { type: opts.type } : {}) });
  return (req, res, next) => parse(req, res, (err?: unknown) => (err ? refuseBody(res, err) : next()));
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
    parse(req, res, () => {
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
