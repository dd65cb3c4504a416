// A form's save against the values the form showed when it opened (docs/decisions/admin-forms.md, "Stale
// forms"). A form posts every field, changed or not; a field posted as it was shown is not the person's change,
// so the database's current value stands (units sold meanwhile, a tracking number set through the API). A field
// the person changed while someone else changed it too is a conflict: refused, never silently overwritten.

export interface FormConflict {
  field: string;
  shown: unknown;
  now: unknown;
  /** The conflict in words when its values say nothing to the reader (a secret's masked hints). */
  words?: string;
}

/** Equal as stored values: dates by instant, JSON objects whatever their key order. */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)));
    }
    return v;
  });
}

/**
 * The fields of `posted` the person changed from `shown`, to write; and the conflicts: changed fields whose
 * `current` value is no longer the one shown (and not already what was typed). A posted field the form did not
 * show (a new secret) counts as changed.
 *
 * A field holding a JSON object (a shop's instructions per payment method, its ship-from address) is a group of
 * fields the form shows one by one, so it is compared key path by key path: the admin's changed keys are written
 * over the current object, keys posted as shown keep their current value (a colleague's change to another
 * method stays), and a key both changed differently is a conflict named by its path
 * ("paymentInstructions.VENMO_P2P.handle"). A group emptied by the merge is removed.
 *
 * A field named in `sets` is a list the form shows as one checkbox per value (a shop's payment methods): each
 * value is its own edit (mergeSet), so a colleague's ticked box and the admin's are both kept.
 */
export function formEdits(
  posted: Record<string, unknown>,
  shown: Record<string, unknown>,
  current: Record<string, unknown>,
  options: { sets?: readonly string[] } = {},
): { edits: Record<string, unknown>; conflicts: FormConflict[] } {
  const edits: Record<string, unknown> = {};
  const conflicts: FormConflict[] = [];
  for (const [field, value] of Object.entries(posted)) {
    if (value === undefined) continue;
    if (!(field in shown)) {
      edits[field] = value;
      continue;
    }
    const merged = options.sets?.includes(field)
      ? mergeSet(value, shown[field], current[field])
      : mergeEdit(field, value, shown[field], current[field], conflicts);
    if (merged.changed) edits[field] = merged.value;
  }
  return { edits, conflicts };
}

/**
 * One value of a form (a column, or a key path inside a JSON object) merged: the posted value when the admin
 * changed it, else the current one (`changed` false: not the admin's change); a conflict pushed when both
 * changed it differently. Objects (or an object and nothing) are merged key by key.
 */
function mergeEdit(
  path: string,
  posted: unknown,
  shown: unknown,
  current: unknown,
  conflicts: FormConflict[],
): { changed: boolean; value: unknown } {
  if (sameValue(posted, shown)) return { changed: false, value: current };
  if (sameValue(current, shown) || sameValue(current, posted)) return { changed: true, value: posted };
  const group = (v: unknown) => v === undefined || isPlainObject(v);
  if (group(posted) && group(shown) && group(current)) {
    const [p, s, c] = [posted, shown, current].map((v) => (v ?? {}) as Record<string, unknown>) as [
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    const merged: Record<string, unknown> = { ...c };
    for (const key of [...new Set([...Object.keys(s), ...Object.keys(p), ...Object.keys(c)])].sort()) {
      const inner = mergeEdit(`${path}.${key}`, p[key], s[key], c[key], conflicts);
      if (!inner.changed) continue;
      // A group left empty by the merge (the admin emptied one part, a colleague the other) is removed.
      const emptied = isPlainObject(inner.value) && Object.keys(inner.value).length === 0 && !sameValue(p[key], {});
      if (inner.value === undefined || emptied) delete merged[key];
      else merged[key] = inner.value;
    }
    return { changed: true, value: merged };
  }
  conflicts.push({ field: path, shown, now: current });
  return { changed: true, value: posted };
}

/**
 * A list shown as one checkbox per value, merged value by value: the values the admin ticked (posted, not shown)
 * are added and the ones they unticked (shown, not posted) removed, from the list as it is now; every other
 * value is as it is now, whoever changed it. A box has two states, so two people who both changed the same value
 * since the form opened made the same change: there is no conflict to refuse here (a value that cannot be on
 * with the rest of the row, such as a payment method without its connection, is the save's rule to refuse).
 * The order is the current list's, with the admin's new values after it in the order posted (the order a
 * connection's test switching a method back on appends in: the Discord payment menu lists the methods so).
 */
function mergeSet(posted: unknown, shown: unknown, current: unknown): { changed: boolean; value: unknown } {
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === null || v === undefined ? [] : [v]);
  const [p, s, c] = [list(posted), list(shown), list(current)];
  const has = (values: unknown[], v: unknown) => values.some((x) => sameValue(x, v));
  const added = p.filter((v) => !has(s, v));
  const removed = s.filter((v) => !has(p, v));
  if (!added.length && !removed.length) return { changed: false, value: current };
  const kept = c.filter((v) => !has(removed, v));
  return { changed: true, value: [...kept, ...added.filter((v, i) => !has(kept, v) && !has(added.slice(0, i), v))] };
}

/**
 * The refusal of an edit save that does not carry the values its form showed (a page opened before forms carried
 * them, a hand-made POST): without them a field posted unchanged cannot be told from the person's change, so
 * the save would write back values someone else changed meanwhile.
 */
export const FORM_OUT_OF_DATE = 'This form is out of date: reload the page and make your change again.';

/** The values a form showed, as posted back (a JSON object), or null when the form did not carry them. */
export function parseShown(raw: unknown): Record<string, unknown> | null {
  if (typeof raw !== 'string' || raw === '') return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The words a form uses for one of its fields, by path ("paymentInstructions.VENMO_P2P.handle" -> "Venmo handle"),
 * or undefined where it has none: the refusal then names the field by its path.
 */
export type FieldWords = (path: string) => string | undefined;

/**
 * The refusal of a save whose changed fields someone else changed since the form opened, in the words every form
 * uses: `message` for the notice ("Order #1001 changed since you opened it (notes (empty) -> Gift). Reload the
 * page, make your change again and save.") and one message per field, to show under its input. `fieldWords`
 * names the fields as the form labels them.
 */
export function staleFormRefusal(
  subject: string,
  conflicts: FormConflict[],
  fieldWords?: FieldWords,
): { message: string; fields: { path: string; message: string }[] } {
  const words = (c: FormConflict) => conflictWords(c, fieldWords);
  return {
    message: `${subject} changed since you opened it (${conflicts.map(words).join(', ')}). Reload the page, make your change again and save.`,
    fields: conflicts.map((c) => ({ path: c.field, message: `Changed since you opened the form (${words(c)}).` })),
  };
}

/** "stock 10 -> 7": a conflict in words, for the refusal; a field the form labels by its label ("Venmo handle @a -> @b"). */
export function conflictWords(c: FormConflict, fieldWords?: FieldWords): string {
  if (c.words) return c.words;
  const word = (v: unknown) => (v === null || v === undefined || v === '' ? '(empty)' : typeof v === 'string' ? v : JSON.stringify(v));
  const nameOf = (path: string) => {
    const labelled = fieldWords?.(path);
    if (labelled) return labelled;
    const [column = '', ...inside] = path.split('.');
    const name = column
      .replace(/Cents$/, '')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase();
    return inside.length ? `${name} ${inside.join('.')}` : name;
  };
  // An amount in cents means nothing to the reader without its currency: the field is named, not its values.
  if (c.field.endsWith('Cents')) return `${nameOf(c.field)} changed`;
  // A group of fields (a JSON object: a shop's instructions per payment method): the values that differ, not the JSON.
  const inner = leafChanges(c.shown, c.now);
  if (inner) return inner.map(([path, a, b]) => `${nameOf(`${c.field}.${path}`)} ${word(a)} -> ${word(b)}`).join(', ');
  return `${nameOf(c.field)} ${word(c.shown)} -> ${word(c.now)}`;
}

/** A JSON object (not a Date, an array, a Decimal or a Buffer). */
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v) as object | null);

/** The leaves (dotted paths) where two objects differ, or null when either is no object. */
export function leafChanges(a: unknown, b: unknown, prefix = ''): [string, unknown, unknown][] | null {
  if (!isPlainObject(a) && !isPlainObject(b)) return null;
  if ((a != null && !isPlainObject(a)) || (b != null && !isPlainObject(b))) return null;
  const x = (a ?? {}) as Record<string, unknown>;
  const y = (b ?? {}) as Record<string, unknown>;
  return [...new Set([...Object.keys(x), ...Object.keys(y)])].sort().flatMap((key) => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (sameValue(x[key], y[key])) return [];
    return leafChanges(x[key], y[key], path) ?? [[path, x[key], y[key]] as [string, unknown, unknown]];
  });
}
