// Shop settings' groups of fields in the panel's words: the payment methods' handle, instructions and pay window
// (tenants.paymentInstructions { METHOD: { handle, instructions } }, paymentWindowMinutes { METHOD: minutes }) and
// the TaxJar ship-from address (taxjarFromAddress). One place for the names the form's labels use, read by a
// refused save's notice and a stale form's refusal.
import type { PaymentMethod } from '../../../generated/prisma/index.js';
import { PAYMENT_METHOD_LABELS } from './labels.js';

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
