// The panel's multipart and urlencoded bodies (AdminJS's forms), under the rule its JSON bodies (panel-json.ts) and
// the REST API follow: a name given twice is refused with 400 naming it, nothing done. formidable (1.x, through
// express-formidable, which @adminjs/express mounts) keeps the last of two multipart fields, so a form naming
// "access" READ_ONLY then READ_WRITE made a read-write key where a proxy or a log reading the first saw read-only;
// an urlencoded name given twice reached AdminJS as a list. AdminJS's forms never repeat a name (an array's items
// are `name.0`, `name.1`; a file is one field), so no form of the panel's is refused.
// These bodies are parsed here, with AdminJS's own limits, before its router; express-formidable then skips a
// request already parsed (as for adminJsJsonBodies). Every other body is left to it.
// No panel form takes a file (licence keys are typed text: upload-keys.tsx), yet formidable writes every file part to
// the temp directory and nothing removed it, refused or not: each is deleted once the body is read, and no handler
// is handed one.
import { rm } from 'node:fs/promises';
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

/** formidable 1.x's File: where the part was written. */
interface WrittenFile {
  path?: unknown;
}

/** Deletes the temp files formidable wrote for the body's file parts (an error in the body leaves some too). */
async function dropFiles(req: Request): Promise<void> {
  const files = (req as Request & { files?: Record<string, WrittenFile | WrittenFile[]> }).files ?? {};
  const paths = Object.values(files)
    .flat()
    .map((f) => f.path)
    .filter((p): p is string => typeof p === 'string');
  await Promise.all(paths.map((p) => rm(p, { force: true })));
  Object.assign(req, { files: {} });
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
    // express-formidable calls back twice on a broken body (its error listener and parse's own); one answer.
    let answered = false;
    parse(req, res, (err?: unknown) => {
      if (answered) return;
      answered = true;
      // On an error formidable deletes the files it opened itself (incoming_form.js `_error`).
      if (err) return answer(err);
      void dropFiles(req).then(() => answer(), next);
    });
    function answer(err?: unknown) {
      const repeated = repeatedOf.get(req)?.repeated;
      repeatedOf.delete(req);
      if (err) return next(err);
      if (repeated === undefined) return next();
      const refusal = new AppError('VALIDATION_FAILED', `Form field "${repeated}" is given more than once. Send each field once.`, {
        fields: [{ path: repeated, message: 'given more than once' }],
      });
      // Typed as body-parser types its refusals: the panel's router hands it to the app's error writer (admin.router.ts).
      next(Object.assign(refusal, { type: 'entity.field.repeated' }));
    }
  };
}
