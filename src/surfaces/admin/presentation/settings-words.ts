// Shop settings' groups of fields in the panel's words: the payment methods' handle, instructions and pay window
// (tenants.paymentInstructions { METHOD: { handle, instructions } }, paymentWindowMinutes { METHOD: minutes }) and
// the TaxJar ship-from address (taxjarFromAddress). One place for the names the form's labels use, read by a
// refused save's notice, a stale form's refusal and the History timeline.
import type { PaymentMethod } from '../../../generated/prisma/index.js';
import { defaultPayWindowMinutes } from '../../../modules/order-expiry/pay-window.js';
import { fieldLabel, type TimelineChange } from '../../../modules/audit/audit-timeline.js';
import { leafChanges } from '../../../platform/form-edits.js';
import { PAYMENT_METHOD_LABELS } from './labels.js';
import { countWords } from '../../../platform/count-words.js';

const ADDRESS_WORDS: Record<string, string> = { street: 'street', city: 'city', state: 'state', zip: 'ZIP code', country: 'country' };

const methodName = (m: string) => PAYMENT_METHOD_LABELS[m as PaymentMethod] ?? m;

/**
 * A settings field by its flattened path, as the form labels it: "paymentInstructions.VENMO_P2P.handle" ->
 * "Venmo handle", "paymentWindowMinutes.ZELLE" -> "Zelle pay window", "taxjarFromAddress.zip" -> "Ship-from ZIP
 * code"; undefined for any other path.
 */
export function settingsFieldWords(path: string): string | undefined {
  const [column, key, inner] = path.split('.');
  if (!key) return undefined;
  if (column === 'paymentWindowMinutes') return `${methodName(key)} pay window`;
  if (column === 'paymentInstructions') return `${methodName(key)} ${inner ?? 'instructions'}`;
  if (column === 'taxjarFromAddress') return `Ship-from ${ADDRESS_WORDS[key] ?? key}`;
  return undefined;
}

/** "2 days", "4 hours", "90 minutes" (the form's show page says a window the same way). */
export function durationWords(minutes: number): string {
  if (minutes % 1440 === 0) return countWords(minutes / 1440, 'day');
  if (minutes % 60 === 0) return countWords(minutes / 60, 'hour');
  return countWords(minutes, 'minute');
}

const EMPTY = '—';
const text = (v: unknown) => (v === undefined || v === null || v === '' ? EMPTY : String(v));

/** "1 Pike St, Seattle, WA 98101, US", or "none". */
function addressWords(v: unknown): string {
  if (!v || typeof v !== 'object') return 'none';
  const a = v as Record<string, unknown>;
  const s = (x: unknown) => (typeof x === 'string' ? x : x === undefined || x === null ? '' : String(x));
  const cityLine = [s(a.city), [s(a.state), s(a.zip)].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  const line = [s(a.street), cityLine, s(a.country)].filter(Boolean).join(', ');
  return line || 'none';
}

type Change = Omit<TimelineChange, 'field'> & { field: string };

/** One line per value that differs inside a group column, labelled as the form labels it. */
function perLeaf(column: string, before: unknown, after: unknown, value: (path: string, v: unknown) => string): Change[] {
  const leaves = leafChanges(before ?? {}, after ?? {});
  // Not an object (nothing the form writes): said as stored rather than left out.
  if (!leaves)
    return [{ field: column, label: fieldLabel(column), before: JSON.stringify(before) ?? EMPTY, after: JSON.stringify(after) ?? EMPTY }];
  return leaves.map(([path, a, b]) => {
    const field = `${column}.${path}`;
    return { field, label: settingsFieldWords(field) ?? field, before: value(path, a), after: value(path, b) };
  });
}

/**
 * The History timeline's lines for these columns (modules/audit/audit-timeline.ts `fieldChanges`): "Venmo handle:
 * @a -> @b", "PayPal pay window: default (4 hours) -> 2 hours", "Ship-from address: 1 Pike St, Seattle, WA 98101, US
 * -> ...", rather than the columns' JSON.
 */
export const SETTINGS_FIELD_CHANGES: Readonly<Record<string, (before: unknown, after: unknown) => Change[]>> = {
  paymentInstructions: (before, after) => perLeaf('paymentInstructions', before, after, (_path, v) => text(v)),
  paymentWindowMinutes: (before, after) =>
    perLeaf('paymentWindowMinutes', before, after, (method, v) =>
      typeof v === 'number' && Number.isInteger(v) && v > 0
        ? durationWords(v)
        : v === undefined || v === null
          ? `default (${durationWords(defaultPayWindowMinutes(method as PaymentMethod))})`
          : text(v),
    ),
  taxjarFromAddress: (before, after) => [
    { field: 'taxjarFromAddress', label: 'Ship-from address', before: addressWords(before), after: addressWords(after) },
  ],
};
