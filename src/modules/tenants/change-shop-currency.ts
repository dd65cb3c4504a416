// A shop changes its currency and re-prices, in one step, everything priced in the old one (shop-currency.ts:
// amounts are never converted, and nothing is read in the wrong currency). The owner sees each amount held in the
// old currency (repricedAmounts) and types its new one; the change writes the currency and every new amount in one
// transaction, or nothing. Before this step the only way through the refusal was to free or delete every shipping
// type and discount and deactivate every product, change the currency, and type every price back, while the shop
// was half-priced and customers could order.
//
// Locks, in the order every writer of these rows takes them: first the priced rows (FOR UPDATE, by id), then the
// shop's row FOR UPDATE (as assertCurrencyChangeable). A panel save of a product, shipping type or discount locks
// its row first and the shop's row (FOR KEY SHARE) after, so the two never wait for each other in a circle; a
// product created meanwhile holds the shop's row through its foreign key, and the change waits for it. Once both
// are held, what is priced in the old currency is read again and must be exactly what the owner was shown: a
// colleague's new product or changed price refuses the change (the owner is shown the list again), never gets a
// price nobody typed, nor is left in the old currency. The order statement (checkout/submit/submit.sql.ts) takes the
// shop's row first and its products after, the other way round: the two can deadlock, and PostgreSQL's abort (40P01)
// of either is retried to the right outcome (withTransaction here, sql.transaction there; the order then starts over
// in the new currency, or this change finds the order unpaid in the old one): docs/decisions/shop-currency-change.md.
import type { Db, Tx } from '../../platform/db/prisma.js';
import { withTransaction } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import { formatMoney } from '../../platform/money.js';
import type { PaymentMethod } from '../../generated/prisma/index.js';
import type { AuditService } from '../audit/audit.service.js';
import { changedFields } from '../audit/audit-diff.js';
import { isProcessorMethod } from '../payments-processor/connections/provider-definitions.js';
import type { TenantContext } from '../shared/actor.js';
import { taxjarCurrencyRefusal } from '../tax/taxjar-money.js';
import { currencyChangeRefusal, owedInCurrency, pricedWhere } from './shop-currency.js';

const code = (currency: string) => currency.trim().toUpperCase();

/** The column an amount is in. */
export type RepricedField = 'unitPriceCents' | 'priceCents' | 'amountOffCents' | 'minSubtotalCents';

/** One amount held in the shop's currency, to be given anew in the new one. */
export interface RepricedAmount {
  /** `<kind>:<id>:<field>`: what the form's field for the new amount is named by. */
  key: string;
  kind: 'product' | 'shippingType' | 'discount';
  id: string;
  /** The record's name (a product's with its SKU), for the owner to recognise it. */
  name: string;
  field: RepricedField;
  /** Which amount of the record, in the owner's words: "Price", "Amount off", "Minimum subtotal". */
  label: string;
  /** The amount now, in the old currency's cents. */
  cents: number;
}

const keyOf = (kind: RepricedAmount['kind'], id: string, field: RepricedField) => `${kind}:${id}:${field}`;

/**
 * Every amount held in `currency` (the shop's) that a change of currency re-prices: the price of each active
 * product in it, of each shipping type with a price, and each discount's fixed amount off and minimum subtotal
 * (whichever it has). Ordered products, shipping types, discounts, each by name then id.
 */
export async function repricedAmounts(db: Db | Tx, tenantId: string, currency: string): Promise<RepricedAmount[]> {
  const where = pricedWhere(tenantId, currency);
  const orderBy = [{ name: 'asc' as const }, { id: 'asc' as const }];
  const [products, shippingTypes, discounts] = [
    await db.product.findMany({ where: where.product, orderBy, select: { id: true, name: true, sku: true, unitPriceCents: true } }),
    await db.shippingType.findMany({ where: where.shippingType, orderBy, select: { id: true, name: true, priceCents: true } }),
    await db.discount.findMany({
      where: where.discount,
      orderBy,
      select: { id: true, name: true, type: true, amountOffCents: true, minSubtotalCents: true },
    }),
  ];
  const out: RepricedAmount[] = [];
  for (const p of products) {
    const field = 'unitPriceCents';
    out.push({
      key: keyOf('product', p.id, field),
      kind: 'product',
      id: p.id,
      name: `${p.name} (${p.sku})`,
      field,
      label: 'Price',
      cents: p.unitPriceCents,
    });
  }
  for (const s of shippingTypes) {
    const field = 'priceCents';
    out.push({
      key: keyOf('shippingType', s.id, field),
      kind: 'shippingType',
      id: s.id,
      name: s.name,
      field,
      label: 'Price',
      cents: s.priceCents,
    });
  }
  for (const d of discounts) {
    const base = { kind: 'discount' as const, id: d.id, name: d.name };
    if (d.type === 'FIXED_AMOUNT' && (d.amountOffCents ?? 0) > 0)
      out.push({
        ...base,
        key: keyOf('discount', d.id, 'amountOffCents'),
        field: 'amountOffCents',
        label: 'Amount off',
        cents: d.amountOffCents!,
      });
    if (d.minSubtotalCents > 0)
      out.push({
        ...base,
        key: keyOf('discount', d.id, 'minSubtotalCents'),
        field: 'minSubtotalCents',
        label: 'Minimum subtotal',
        cents: d.minSubtotalCents,
      });
  }
  return out;
}

/**
 * The bounds of each amount, in cents: the panel's product, shipping type and discount forms read theirs from here
 * (schemas/catalog.schema.ts, discount.schema.ts), so a re-priced amount is one those forms would save. A discount's
 * amount off is more than nothing.
 */
export const REPRICED_BOUNDS: Record<RepricedField, { min: number; max: number }> = {
  unitPriceCents: { min: 0, max: 100_000_000 },
  priceCents: { min: 0, max: 10_000_000 },
  amountOffCents: { min: 1, max: 100_000_000 },
  minSubtotalCents: { min: 0, max: 100_000_000 },
};

export interface CurrencyChangeInput {
  /** The currency the owner saw the shop in (the amounts shown were in it). */
  from: string;
  to: string;
  /** What the owner was shown: each amount's key and its cents then. */
  shown: readonly { key: string; cents: number }[];
  /** The new amount of each shown key, in `to`'s cents. */
  newCents: Readonly<Record<string, number>>;
}

export interface CurrencyChangeDeps {
  db: Db;
  audit: Pick<AuditService, 'record'>;
  /** The settings save's own rule for processor-backed methods (connection.service.ts assertMethodsUsable). */
  paymentMethods: { assertMethodsUsable(tenantId: string, methods: readonly PaymentMethod[], currency?: string, tx?: Tx): Promise<void> };
}

/** One difference between the amounts shown and those held now: `shownCents` null for an amount not shown, `nowCents` null for one no longer priced. */
export interface RepricedChange {
  key: string;
  /** The record's name and which amount ("Price"...), when it is still priced. */
  name: string | null;
  label: string | null;
  shownCents: number | null;
  nowCents: number | null;
}

/**
 * What differs between the amounts shown and those held now: each difference (CONFLICT's details.changes, for a
 * caller that reads them: the REST API), and the owner's words (at most a few named). Null when nothing differs.
 */
function differences(
  shown: CurrencyChangeInput['shown'],
  now: RepricedAmount[],
  currency: string,
): { message: string; changes: RepricedChange[] } | null {
  const before = new Map(shown.map((s) => [s.key, s.cents]));
  const notes: string[] = [];
  const changes: RepricedChange[] = [];
  for (const a of now) {
    const was = before.get(a.key);
    if (was === undefined) notes.push(`${a.name} is new, ${a.label.toLowerCase()} ${formatMoney(a.cents, currency)}`);
    else if (was !== a.cents)
      notes.push(`${a.name}'s ${a.label.toLowerCase()} is now ${formatMoney(a.cents, currency)}, not ${formatMoney(was, currency)}`);
    if (was !== a.cents) changes.push({ key: a.key, name: a.name, label: a.label, shownCents: was ?? null, nowCents: a.cents });
    before.delete(a.key);
  }
  if (before.size)
    notes.push(`${before.size === 1 ? 'one amount shown is' : `${before.size} amounts shown are`} no longer priced in ${currency}`);
  for (const [key, cents] of before) changes.push({ key, name: null, label: null, shownCents: cents, nowCents: null });
  if (!notes.length) return null;
  const named = notes.slice(0, 3).join('; ') + (notes.length > 3 ? `; and ${notes.length - 3} more` : '');
  return {
    message: `Prices changed since this page was opened: ${named}. Nothing was changed: the list below is as it is now; check the new amounts and save again.`,
    changes,
  };
}

/**
 * Changes the shop's currency from `from` to `to` and writes every new amount, in one transaction, audited as the
 * settings and catalog saves are (tenant.updated, product.updated, shipping_type.updated, discount.updated, with
 * the fields that changed). Refused, with nothing written:
 * - CONFLICT when the shop's currency is no longer `from` (details.currency: the shop's now), or what is priced in it
 *   differs from `shown` (a colleague's change: the caller shows the list again; details.stale, and details.changes:
 *   each RepricedChange);
 * - CURRENCY_MISMATCH while unpaid orders or open checkouts are in `from` (they cannot be re-priced);
 * - VALIDATION_FAILED for the same currency, a shown amount without its new one, one out of its field's bounds,
 *   or TaxJar on for a currency other than US dollars;
 * - PAYMENT_METHOD_NOT_ENABLED when an enabled processor-backed method cannot take `to` (method-currency.ts).
 */
export async function changeShopCurrency(
  deps: CurrencyChangeDeps,
  ctx: TenantContext,
  input: CurrencyChangeInput,
): Promise<{ repriced: number; currency: string; amounts: RepricedAmount[] }> {
  const from = code(input.from);
  const to = code(input.to);
  const { tenantId } = ctx;
  if (from === to)
    throw new AppError('VALIDATION_FAILED', `The shop already sells in ${to}: pick another currency.`, {
      fields: [{ path: 'to', message: `the shop already sells in ${to}` }],
    });
  return withTransaction(deps.db, async (tx) => {
    // The priced rows first, by id, then the shop's row: the order the panel's saves take them in (above). A row
    // that becomes priced after this read is not locked, and needs not be: its save waits for the shop's row and
    // then finds the new currency (refused), or committed before it, and is read below (refused here).
    const where = pricedWhere(tenantId, from);
    const ids = async (rows: Promise<{ id: string }[]>) => (await rows).map((r) => r.id);
    const productIds = await ids(tx.product.findMany({ where: where.product, select: { id: true } }));
    const shippingTypeIds = await ids(tx.shippingType.findMany({ where: where.shippingType, select: { id: true } }));
    const discountIds = await ids(tx.discount.findMany({ where: where.discount, select: { id: true } }));
    await tx.$queryRaw`SELECT 1 FROM products WHERE id = ANY(${productIds}::text[]) ORDER BY id FOR UPDATE`;
    await tx.$queryRaw`SELECT 1 FROM shipping_types WHERE id = ANY(${shippingTypeIds}::text[]) ORDER BY id FOR UPDATE`;
    await tx.$queryRaw`SELECT 1 FROM discounts WHERE id = ANY(${discountIds}::text[]) ORDER BY id FOR UPDATE`;
    const [shop] = await tx.$queryRaw<{ currency: string; taxjarEnabled: boolean; enabledPaymentMethods: PaymentMethod[] }[]>`
      SELECT currency, "taxjarEnabled", "enabledPaymentMethods"::text[] AS "enabledPaymentMethods" FROM tenants WHERE id = ${tenantId} FOR UPDATE`;
    if (!shop) throw new AppError('NOT_FOUND', 'Shop not found');
    if (code(shop.currency) !== from)
      throw new AppError(
        'CONFLICT',
        `The shop's currency was changed to ${code(shop.currency)} since this page was opened. Nothing was changed.`,
        {
          currency: code(shop.currency),
        },
      );

    // What is priced is re-priced here; what is owed in the old currency cannot be, and refuses the change.
    const owed = await owedInCurrency(tx, tenantId, from);
    const refusal = currencyChangeRefusal({ products: 0, shippingTypes: 0, discounts: 0, ...owed }, from, to);
    if (refusal) throw new AppError('CURRENCY_MISMATCH', refusal, { from, to });

    const now = await repricedAmounts(tx, tenantId, from);
    const changed = differences(input.shown, now, from);
    if (changed) throw new AppError('CONFLICT', changed.message, { stale: true, changes: changed.changes });

    const missing = now.filter((a) => !Number.isSafeInteger(input.newCents[a.key]));
    if (missing.length)
      throw new AppError(
        'VALIDATION_FAILED',
        `Give every amount in ${to}: ${missing.map((a) => `${a.name} (${a.label.toLowerCase()})`).join(', ')}.`,
        {
          fields: missing.map((a) => ({ path: a.key, message: 'required' })),
        },
      );
    const outside = now.filter((a) => {
      const cents = input.newCents[a.key]!;
      return cents < REPRICED_BOUNDS[a.field].min || cents > REPRICED_BOUNDS[a.field].max;
    });
    if (outside.length)
      throw new AppError(
        'VALIDATION_FAILED',
        `${outside.map((a) => `${a.name} (${a.label.toLowerCase()})`).join(', ')}: an amount from ${formatMoney(REPRICED_BOUNDS[outside[0]!.field].min, to)} to ${formatMoney(REPRICED_BOUNDS[outside[0]!.field].max, to)}.`,
        {
          fields: outside.map((a) => ({
            path: a.key,
            message: `from ${formatMoney(REPRICED_BOUNDS[a.field].min, to)} to ${formatMoney(REPRICED_BOUNDS[a.field].max, to)}`,
          })),
        },
      );

    // The settings save's rules that join the currency with other settings, on the shop as it will be.
    const taxjar = shop.taxjarEnabled ? taxjarCurrencyRefusal(to) : null;
    // Named as the new currency ("to", a field of the panel's form and the API's body): TaxJar's switch is in Shop
    // settings, not in this request, so naming it would point the caller at a field it cannot send.
    if (taxjar)
      throw new AppError('VALIDATION_FAILED', taxjar, {
        fields: [{ path: 'to', message: 'TaxJar is on for this shop and taxes US dollars only: switch it off in Shop settings first' }],
      });
    const processor = shop.enabledPaymentMethods.filter(isProcessorMethod);
    if (processor.length) await deps.paymentMethods.assertMethodsUsable(tenantId, processor, to, tx);

    await tx.tenant.update({ where: { id: tenantId }, data: { currency: to } });
    await record(deps, tx, ctx, 'tenant', 'Tenant', tenantId, { currency: from }, { currency: to });
    for (const amounts of groupBy(now).values()) {
      const data: Record<string, unknown> = Object.fromEntries(amounts.map((a) => [a.field, input.newCents[a.key]!]));
      const before: Record<string, unknown> = Object.fromEntries(amounts.map((a) => [a.field, a.cents]));
      const id = amounts[0]!.id;
      if (amounts[0]!.kind === 'product') {
        Object.assign(data, { currency: to });
        Object.assign(before, { currency: from });
        await tx.product.update({ where: { id }, data });
        await record(deps, tx, ctx, 'product', 'Product', id, before, data);
      } else if (amounts[0]!.kind === 'shippingType') {
        await tx.shippingType.update({ where: { id }, data });
        await record(deps, tx, ctx, 'shipping_type', 'ShippingType', id, before, data);
      } else {
        await tx.discount.update({ where: { id }, data });
        await record(deps, tx, ctx, 'discount', 'Discount', id, before, data);
      }
    }
    // The list as this change left it, read in its transaction: an answer read after the commit could show a
    // colleague's later edit as if this change had made it.
    return { repriced: now.length, currency: to, amounts: await repricedAmounts(tx, tenantId, to) };
  });
}

/** The amounts of one record together (a discount may have two). */
function groupBy(amounts: RepricedAmount[]): Map<string, RepricedAmount[]> {
  const out = new Map<string, RepricedAmount[]>();
  for (const a of amounts) out.set(`${a.kind}:${a.id}`, [...(out.get(`${a.kind}:${a.id}`) ?? []), a]);
  return out;
}

async function record(
  deps: CurrencyChangeDeps,
  tx: Tx,
  ctx: TenantContext,
  action: string,
  entityType: string,
  entityId: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Promise<void> {
  const changes = changedFields(before, after);
  if (!changes) return;
  await deps.audit.record(tx, ctx, { action: `${action}.updated`, entityType, entityId, before: changes.before, after: changes.after });
}
