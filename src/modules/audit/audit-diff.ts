// What an audit entry of a settings/catalog save records: only the fields that changed, before and after,
// with secrets never written (a secret that changed is recorded as "changed", not as its value).
export const SECRET_MASK = '••••';

export interface FieldChanges {
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** null when nothing but `ignore`d fields (updatedAt ...) changed. */
export function changedFields(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  opts: { secrets?: readonly string[]; ignore?: readonly string[] } = {},
): FieldChanges | null {
  const ignore = new Set(['updatedAt', 'createdAt', ...(opts.ignore ?? [])]);
  const secrets = new Set(opts.secrets ?? []);
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const out: FieldChanges = { before: {}, after: {} };
  for (const key of keys) {
    if (ignore.has(key)) continue;
    const b = before?.[key];
    const a = after?.[key];
    if (same(b, a)) continue;
    if (secrets.has(key)) {
      if (before) out.before[key] = b === null || b === undefined ? null : SECRET_MASK;
      if (after) out.after[key] = a === null || a === undefined ? null : SECRET_MASK;
      continue;
    }
    if (before) out.before[key] = b instanceof Date ? b.toISOString() : (b ?? null);
    if (after) out.after[key] = a instanceof Date ? a.toISOString() : (a ?? null);
  }
  return Object.keys(out.before).length || Object.keys(out.after).length ? out : null;
}
