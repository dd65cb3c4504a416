// The panel's side of "a shop prices everything in its currency" (modules/tenants/shop-currency.ts), and of
// TaxJar's US dollars (modules/tax/taxjar-money.ts): the `keeps` rules of the Product, ShippingType, Discount and
// Tenant resources, run in the save's transaction (adapter/scoped-resource.ts), with the module's refusal shown
// under the field it is about.
import { ValidationError, type ActionContext } from 'adminjs';
import type { Db, Tx } from '../../../platform/db/prisma.js';
import { assertCurrencyChangeable, assertShopCurrency } from '../../../modules/tenants/shop-currency.js';
import { taxjarCurrencyRefusal } from '../../../modules/tax/taxjar-money.js';
import type { Ctx } from '../adapter/scoped-resource.js';
import { refusedUnder } from './admin-errors.js';
import { shopCurrency } from './money-columns.js';

export type Change = { before: Record<string, unknown> | null; after: Record<string, unknown> | null };

/** Whether the save wrote anything (an unchanged form writes nothing, and is not refused for what it did not do). */
export const wrote = ({ before, after }: Change) => !!after && (!before || JSON.stringify(before) !== JSON.stringify(after));

/** Product: its currency is its shop's, on every save that writes it. */
export async function productInShopCurrency(tx: Tx, change: Change): Promise<void> {
  const { after } = change;
  if (!after || !wrote(change)) return;
  await refusedUnder('currency', () => assertShopCurrency(tx, String(after.tenantId), String(after.currency), 'A product'));
}

/** The currency a form's amounts were read in, kept for the save's rule (the same context reaches both). */
const amountsRead = new WeakMap<object, string>();

/** The shop's currency for a shipping type's or discount's form, remembered as what its amounts are read in. */
export async function amountsCurrency(db: Db, context: ActionContext): Promise<string> {
  const currency = await shopCurrency(db, context);
  amountsRead.set(context, currency);
  return currency;
}

/**
 * ShippingType and Discount (no currency of their own): the currency their amounts were read in is still the
 * shop's when they are written. A currency change that commits between reading the form and the save would
 * otherwise store dollars' cents as yen.
 */
export function amountsInShopCurrency(what: string, field: string) {
  return async (tx: Tx, change: Change, context?: Ctx): Promise<void> => {
    const { after } = change;
    const currency = context ? amountsRead.get(context) : undefined;
    if (!after || !currency || !wrote(change)) return;
    await refusedUnder(field, () => assertShopCurrency(tx, String(after.tenantId), currency, what));
  };
}

/**
 * Tenant: a change of currency is refused while anything is priced or owed in the old one; TaxJar is on only for
 * a shop that sells in US dollars (switched on, or kept on through a change of currency).
 */
export async function tenantCurrencyRules(tx: Tx, { before, after }: Change): Promise<void> {
  if (!after) return;
  if (before)
    await refusedUnder('currency', () => assertCurrencyChangeable(tx, String(after.id), String(before.currency), String(after.currency)));
  const turnsOn = !before || !before.taxjarEnabled || before.currency !== after.currency;
  const refusal = after.taxjarEnabled === true && turnsOn ? taxjarCurrencyRefusal(String(after.currency)) : null;
  if (refusal) throw new ValidationError({ taxjarEnabled: { message: refusal } }, { message: refusal });
}
