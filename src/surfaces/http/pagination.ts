// Cursor pagination of the REST API's lists (keyset: a page starts after the last row of the previous one,
// so a deep page costs what the first does and rows added meanwhile neither repeat nor go missing).
// A cursor is opaque to callers: base64url of JSON {f: a digest of the filters it was issued for, a: the
// boundary}. The digest, not the filters: with a 100-character search and a product name of 200 (non-ASCII
// names take up to 4 bytes a character) the cursor grew past the length the API accepts back, and a client
// walking the list stopped at that page (an integrator review, 2026-12-04). MAX_CURSOR_LENGTH is sized for the
// longest boundary a list has (the products list's name).
// It is refused (400) when malformed or replayed with other filters. The order list's cursor is signed
// (modules/orders, it hides nothing secret either but binds the shop); lists whose boundary reveals nothing
// and whose query is always scoped to the API key's shop use this unsigned form.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../platform/errors.js';
import { wholeNumberParam } from '../../platform/validate.js';

export const MAX_CURSOR_LENGTH = 2048;

/** `pageSize` and `cursor` query parameters, for z.strictObject({...filters, ...pageQuery(25, 100)}). */
export function pageQuery(defaultSize: number, maxSize: number) {
  return {
    pageSize: wholeNumberParam({ min: 1, max: maxSize, byDefault: defaultSize, tooLarge: `at most ${maxSize} a page` }).describe(
      `Rows per page (1-${maxSize})`,
    ),
    cursor: z
      .string()
      .min(1)
      .max(MAX_CURSOR_LENGTH)
      .optional()
      .describe('nextCursor of the previous page (with the same filters); omit for the first page'),
  };
}

const invalid = () =>
  new AppError('VALIDATION_FAILED', 'Invalid cursor: pass nextCursor from the previous page of the same query unchanged', {
    fields: [{ path: 'cursor', message: 'not a cursor this list issued for these filters' }],
  });

/** Filters as they are bound into a cursor (a digest): absent and empty are the same, order does not matter. */
function filterKey(filters: Record<string, string | number | boolean | undefined>): string {
  const canonical = JSON.stringify(
    Object.keys(filters)
      .sort()
      .filter((k) => filters[k] !== undefined && filters[k] !== '')
      .map((k) => [k, filters[k]]),
  );
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}

export function encodeCursor(filters: Record<string, string | number | boolean | undefined>, boundary: unknown): string {
  return Buffer.from(JSON.stringify({ f: filterKey(filters), a: boundary })).toString('base64url');
}

/** The boundary in `cursor`, checked with `boundary`; VALIDATION_FAILED when malformed or for other filters. */
export function decodeCursor<S extends z.ZodType>(
  cursor: string,
  filters: Record<string, string | number | boolean | undefined>,
  boundary: S,
): z.output<S> {
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const envelope = z.object({ f: z.string(), a: z.unknown() }).safeParse(parsed);
  if (!envelope.success || envelope.data.f !== filterKey(filters)) throw invalid();
  const at = boundary.safeParse(envelope.data.a);
  if (!at.success) throw invalid();
  return at.data as z.output<S>;
}

/** One page from `rows` fetched with limit pageSize + 1: the rows to send and the cursor after them. */
export function pageOf<T>(
  rows: T[],
  pageSize: number,
  filters: Record<string, string | number | boolean | undefined>,
  boundaryOf: (last: T) => unknown,
): { rows: T[]; nextCursor: string | null } {
  const page = rows.slice(0, pageSize);
  const nextCursor = rows.length > pageSize ? encodeCursor(filters, boundaryOf(page[page.length - 1]!)) : null;
  return { rows: page, nextCursor };
}
