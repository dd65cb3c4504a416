// A JSON object that names the same key twice ({"amountCents": 100, "amountCents": 100000}): JSON.parse keeps the
// last value, a proxy or WAF in front of us may keep the first, so the two read different requests. RFC 8259 says
// names SHOULD be unique and leaves the rest to the parser; we refuse such a body (`refuseDuplicateJsonKeys`, below: the
// verify step of every JSON parser of ours, the app's and the panel's).
// JSON.parse cannot tell (a reviver sees the object after the last value won), so the text is walked here once.
// No package in use does this (secure-json-parse only guards __proto__; json5 and parse-json keep the last).
import type { IncomingMessage } from 'node:http';
import { AppError } from './errors.js';

/** Where the duplicate is: its path as the other 400s name fields ("amountCents", "shipping.line1", "items.0.sku"). */
export interface DuplicateKey {
  path: string;
  key: string;
}

interface ObjectFrame {
  kind: 'object';
  /** The frame this object is a value of, and its key or index there (its path is built only for a duplicate). */
  parent?: Frame;
  part: string;
  keys: Set<string>;
  expectKey: boolean;
  /** The key whose value is being read. */
  current?: string;
}

interface ArrayFrame {
  kind: 'array';
  parent?: Frame;
  part: string;
  index: number;
}

type Frame = ObjectFrame | ArrayFrame;

/** The path of `frame` ("" for the body itself), walking up its parents: only ever built for the one duplicate. */
function framePath(frame: Frame | undefined): string {
  const parts: string[] = [];
  for (let f = frame; f?.parent; f = f.parent) parts.push(f.part);
  return parts.reverse().join('.');
}

/** The key or index a value opened inside `top` has there. */
const partIn = (top: Frame | undefined) => (top ? (top.kind === 'object' ? (top.current ?? '') : String(top.index)) : '');

/**
 * The first key that an object of `text` names twice (compared as decoded: "a" and "\u0061" are one key), at any
 * depth, or undefined. Text that is not JSON gives undefined or a best effort: the JSON parser refuses it anyway.
 */
export function findDuplicateJsonKey(text: string): DuplicateKey | undefined {
  const stack: Frame[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const end = stringEnd(text, i);
      if (end < 0) return undefined;
      const top = stack.at(-1);
      if (top?.kind === 'object' && top.expectKey) {
        // Decoded only when it has an escape (most keys have none: no parse per key).
        let key = text.slice(i + 1, end);
        if (key.includes('\\')) {
          try {
            key = JSON.parse(text.slice(i, end + 1)) as string;
          } catch {
            return undefined;
          }
        }
        if (top.keys.has(key)) {
          const at = framePath(top);
          return { path: at ? `${at}.${key}` : key, key };
        }
        top.keys.add(key);
        top.current = key;
        top.expectKey = false;
      }
      i = end + 1;
      continue;
    }
    if (c === 0x7b /* { */) {
      stack.push({ kind: 'object', parent: stack.at(-1), part: partIn(stack.at(-1)), keys: new Set(), expectKey: true });
    } else if (c === 0x5b /* [ */) {
      stack.push({ kind: 'array', parent: stack.at(-1), part: partIn(stack.at(-1)), index: 0 });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack.at(-1);
      if (top?.kind === 'object') top.expectKey = true;
      else if (top?.kind === 'array') top.index += 1;
    }
    i += 1;
  }
  return undefined;
}

/** The index of the quote that closes the string opened at `start`, or -1 when it is not closed. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */) i += 2;
    else if (c === 0x22) return i;
    else i += 1;
  }
  return -1;
}

/**
 * express.json's `verify` for every JSON body the server parses (the REST API's and the invoice page's through the
 * app's parser, surfaces/http/input-hygiene.ts; the panel's, surfaces/admin/panel-json.ts): a body that names a key
 * twice in one object is refused with 400 naming it, since a proxy or WAF in front of us may have read the other value
 * (above). UTF-8 only (RFC 8259 asks JSON between systems to be UTF-8): body-parser
 * would also decode utf-7, utf-16 or utf-32 with its own decoder, and a body checked in one decoding and parsed in
 * another could hide a duplicate, so another charset is refused rather than left unchecked.
 */
export function refuseDuplicateJsonKeys(_req: IncomingMessage, _res: unknown, body: Buffer, encoding: string | null): void {
  if (encoding !== null && encoding !== 'utf-8') {
    throw new AppError('VALIDATION_FAILED', `Send the JSON body in UTF-8 (charset "${encoding.slice(0, 40)}" is not read).`);
  }
  if (body.length === 0) return;
  const text = body.toString('utf8');
  // Not JSON: the parser refuses it next, at JSON.parse's speed; only JSON is walked for keys (linear, but slower
  // than JSON.parse on a body made to be slow, such as 100,000 "[").
  try {
    JSON.parse(text);
  } catch {
    return;
  }
  const duplicate = findDuplicateJsonKey(text);
  if (duplicate) {
    throw new AppError('VALIDATION_FAILED', `Duplicate key in body: "${duplicate.path}" is given more than once. Send each key once.`, {
      fields: [{ path: duplicate.path, message: 'duplicate key' }],
    });
  }
}
