// The panel's multipart and urlencoded bodies (AdminJS's forms), under the rule its JSON bodies (panel-json.ts) and
// the REST API follow: a name given twice is refused with 400 naming it, nothing done. formidable (1.x, through
// express-formidable, which @adminjs/express mounts) keeps the last of two multipart fields, so a form naming
// "access" READ_ONLY then READ_WRITE made a read-write key where a proxy or a log reading the first saw read-only;
// an urlencoded name given twice reached AdminJS as a list. AdminJS's forms never repeat a name (an array's items
// are `name.0`, `name.1`; a file is one field), so no form of the panel's is refused.
// These bodies are parsed here, with AdminJS's own limits, before its router; express-formidable then skips a
// request already parsed (as for adminJsJsonBodies). Every other body is left to it.
import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import formidableMiddleware from 'express-formidable';
import { AppError } from '../../platform/errors.js';

/** The names a body gave more than once, by request (filled by formidable's field and file events). */
const repeatedOf = new WeakMap<Request, { seen: Set<string>; repeated?: string }>();

/** A body formidable reads as a form (incoming_form.js `_parseContentType` tests these before JSON). */
function formidableReadsAsForm(req: IncomingMessage): boolean {
  return /urlencoded|multipart/i.test(req.headers['content-type'] ?? '');
}

function note(req: Request, name: unknown, value?: unknown): void {
  const names = repeatedOf.get(req)!;
  const key = String(name);
  // formidable hands an urlencoded name given twice as one field whose value is the list of both.
  if (names.repeated === undefined && (names.seen.has(key) || Array.isArray(value))) names.repeated = key;
  names.seen.add(key);
}

/** Before @adminjs/express's router: form bodies parsed as formidable would, a name given twice refused. */
export function adminJsFormBodies(limits: Record<string, unknown>): RequestHandler {
  const parse = formidableMiddleware(limits, [
    { event: 'field', action: (req, _res, _next, name, value) => note(req, name, value) },
    { event: 'file', action: (req, _res, _next, name) => note(req, name) },
  ]);
  return (req, res, next) => {
    if (!formidableReadsAsForm(req)) return next();
    repeatedOf.set(req, { seen: new Set() });
    parse(req, res, (err?: unknown) => {
      const repeated = repeatedOf.get(req)?.repeated;
      repeatedOf.delete(req);
      if (err) return next(err);
      if (repeated === undefined) return next();
      const refusal = new AppError('VALIDATION_FAILED', `Form field "${repeated}" is given more than once. Send each field once.`, {
        fields: [{ path: repeated, message: 'given more than once' }],
      });
      // Typed as body-parser types its refusals: the panel's router hands it to the app's error writer (admin.router.ts).
      next(Object.assign(refusal, { type: 'entity.field.repeated' }));
    });
  };
}
