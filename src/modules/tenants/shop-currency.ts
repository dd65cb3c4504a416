// A shop sells in one currency (tenants.currency), and every amount it prices is in it: products carry their
// own currency, which must be the shop's; shipping types and discounts carry none and are read in the shop's.
// So the currency is never changed under priced things (their cents would be read in the new currency: $12.50
// shown as ¥1,250), and nothing is priced in another currency. Both rules run in the write's transaction,
// with the shop's row locked:
// - a currency change takes the row FOR UPDATE (the panel's save has already) and then counts what still holds
//   the old currency;
// - a product, shipping type or discount save takes it FOR KEY SHARE and reads the currency. KEY SHARE is what
//   a row's foreign key to its shop takes anyway: it waits for a currency change in progress and makes the
//   change wait for it, yet never waits for the order flow, whose writes of the shop's row (the order number)
//   are FOR NO KEY UPDATE.
// Nothing is converted: a price in another currency is a decision of the shop's (a rate, a rounding), not ours.
// The way to change the currency of a shop with prices is change-shop-currency.ts: the currency and every new
// amount, typed by the owner, in one transaction (docs/decisions/shop-currency-change.md).
import type { Tx } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import { OPEN_CHECKOUT_STATES } from '../payments-processor/checkouts/money-in-flight.query.js';

const code = (currency: string) => currency.trim().toUpperCase();

/** The shop's currency, read with its row locked FOR KEY SHARE (see above); NOT_FOUND for no such shop. */
export async function lockedShopCurrency(tx: Tx, tenantId: string): Promise<string> {
  const [row] = await tx.$queryRaw<{ currency: string }[]>`SELECT currency FROM tenants WHERE id = ${tenantId} FOR KEY SHARE`;
  if (!row) throw new AppError('NOT_FOUND', 'Shop not found');
  return code(row.currency);
}

/**
 * CURRENCY_MISMATCH unless `currency` is the shop's: the currency a product is priced in, or the one a shipping
 * type's or discount's amounts were read in. `what`: "A product", "A shipping type" ... for the message.
 */
export async function assertShopCurrency(tx: Tx, tenantId: string, currency: string, what: string): Promise<void> {
  const shop = await lockedShopCurrency(tx, tenantId);
  if (code(currency) === shop) return;
  throw new AppError(
    'CURRENCY_MISMATCH',
    `This shop sells in ${shop}: ${what.toLowerCase()} is priced in the shop's currency. Set the currency to ${shop} and the amount in ${shop}.`,
    { shopCurrency: shop, currency: code(currency) },
  );
}

/** What still holds amounts in a currency, and would be misread (or mixed) were the shop's currency changed. */
export interface PricedInCurrency {
  /** Active products priced in it (an inactive one keeps its own currency and is priced again when next saved). */
  products: number;
  /** Shipping types with a price (a free one is free in any currency). */
  shippingTypes: number;
  /** Discounts with an amount: a fixed amount off, or a minimum subtotal. */
  discounts: number;
  /** Orders waiting for payment in it. */
  unpaidOrders: number;
  /** Processor checkouts that can still be paid, or are being paid, in it. */
  openCheckouts: number;
}

/**
 * Which products, shipping types and discounts hold amounts in `currency` (PricedInCurrency's first three), as
 * Prisma filters: counted here, listed and re-priced by change-shop-currency.ts.
 */
export function pricedWhere(tenantId: string, currency: string) {
  return {
    product: { tenantId, active: true, currency: code(currency) },
    shippingType: { tenantId, priceCents: { gt: 0 } },
    discount: { tenantId, OR: [{ type: 'FIXED_AMOUNT' as const, amountOffCents: { gt: 0 } }, { minSubtotalCents: { gt: 0 } }] },
  };
}

export async function pricedInCurrency(tx: Tx, tenantId: string, currency: string): Promise<PricedInCurrency> {
  const where = pricedWhere(tenantId, code(currency));
  const [products, shippingTypes, discounts] = [
    await tx.product.count({ where: where.product }),
    await tx.shippingType.count({ where: where.shippingType }),
    await tx.discount.count({ where: where.discount }),
  ];
  return { products, shippingTypes, discounts, ...(await owedInCurrency(tx, tenantId, currency)) };
}

/** What is owed in a currency and cannot be re-priced: unpaid orders, and checkouts that can still be paid. */
export async function owedInCurrency(
  tx: Tx,
  tenantId: string,
  currency: string,
): Promise<Pick<PricedInCurrency, 'unpaidOrders' | 'openCheckouts'>> {
  const c = code(currency);
  return {
    unpaidOrders: await tx.order.count({ where: { tenantId, status: 'PENDING_PAYMENT', currency: c } }),
    openCheckouts: await tx.paymentCheckout.count({ where: { tenantId, currency: c, state: { in: [...OPEN_CHECKOUT_STATES] } } }),
  };
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const list = (parts: string[]) => (parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`);

/** The refusal's words: what holds the old currency, and what to do about each. Null when nothing does. */
export function currencyChangeRefusal(p: PricedInCurrency, from: string, to: string): string | null {
  const priced = [
    p.products && count(p.products, 'active product'),
    p.shippingTypes && count(p.shippingTypes, 'shipping type'),
    p.discounts && count(p.discounts, 'discount'),
  ].filter((s): s is string => !!s);
  const owed = [p.unpaidOrders && count(p.unpaidOrders, 'unpaid order'), p.openCheckouts && count(p.openCheckouts, 'open checkout')].filter(
    (s): s is string => !!s,
  );
  if (!priced.length && !owed.length) return null;
  const be = (n: number) => (n === 1 ? 'is' : 'are');
  const held = [
    ...(priced.length ? [`${list(priced)} ${be(p.products + p.shippingTypes + p.discounts)} priced in ${from}`] : []),
    ...(owed.length ? [`${list(owed)} ${be(p.unpaidOrders + p.openCheckouts)} in ${from}`] : []),
  ];
  const owes = !!(p.unpaidOrders || p.openCheckouts);
  const wait = 'wait until the unpaid orders are paid, or cancel them';
  // The way through priced things is the one step that re-prices them all (change-shop-currency.ts), never
  // freeing or deleting them first: the shop would be half-priced while customers can order.
  const reprice = `"Change currency" on Shop settings asks for each amount in ${to} and changes them with the currency at once`;
  const todo = !priced.length
    ? `First ${wait}.`
    : owes
      ? `First ${wait}; then ${reprice}.`
      : `Use "Change currency" on Shop settings instead: it asks for each amount in ${to} and changes them with the currency at once.`;
  return `The currency cannot change from ${from} to ${to}: ${held.join('; ')}. Amounts are not converted. ${todo}`;
}

/**
 * A change of the shop's currency from `from` to `to`, checked in the transaction that writes it: the shop's
 * row is locked FOR UPDATE, then CURRENCY_MISMATCH names whatever still holds `from` (currencyChangeRefusal).
 * No check when the currency stays.
 */
export async function assertCurrencyChangeable(tx: Tx, tenantId: string, from: string, to: string): Promise<void> {
  if (code(from) === code(to)) return;
  await tx.$queryRaw`SELECT 1 FROM tenants WHERE id = ${tenantId} FOR UPDATE`;
  const refusal = currencyChangeRefusal(await pricedInCurrency(tx, tenantId, from), code(from), code(to));
  if (refusal) throw new AppError('CURRENCY_MISMATCH', refusal, { from: code(from), to: code(to) });
}
