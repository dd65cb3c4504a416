// TaxJar transaction bodies (POST/PUT /v2/transactions/orders and /refunds) built from our rows. Pure.
// Money is whole cents everywhere else; `dollars` below is TaxJar's decimal dollars (taxjar-money.ts, through platform/money.ts).
// - Order: amount = goods - discount + shipping (sales tax excluded, as TaxJar defines it), shipping,
//   sales_tax; one line per order line (id = product id, product_identifier = SKU, product_tax_code) with
//   its unit price, its share of the discount and of the tax (refunds/refund-shares.ts, the rule refunds use).
// - Refund: transaction_reference_id = the order's transaction_id; every amount negative, as TaxJar asks
//   for refunds; lines for item refunds (PARTIAL_ITEMS, FULL) with the tax and discount the refund carried.
//   Amount-only refunds (PARTIAL_AMOUNT, BOTH) have no lines: their amount is not the lines' sum.
// - Addresses: the order's shipping address as to_*; none (digital goods) falls back to the shop's own
//   address (origin-sourced). from_* is the shop's taxjarFromAddress.
// - Once the order transaction is filed, its bodies are built on the terms it was filed with (filedTerms): the
//   shop's from-address and the products' tax codes as they were then, not as the shop has set them since. A sale
//   stays where and how it was made, and its refunds are filed on the same terms.
import type { Order, OrderItem, Refund } from '../../generated/prisma/index.js';
import { taxjarDollars } from './taxjar-money.js';
import { lineShares } from '../refunds/refund-shares.js';

export interface FromAddress {
  country?: string;
  zip?: string;
  state?: string;
  city?: string;
  street?: string;
}

export interface TransactionInput {
  order: Order & { items: OrderItem[] };
  /** Product tax codes of the order's products (missing or null: none). */
  taxCodes: ReadonlyMap<string, string | null>;
  from: FromAddress;
}

/** Cents to TaxJar's decimal dollars; `negative` for refunds (never -0). */
export function dollars(cents: number, negative = false): number {
  const d = taxjarDollars(cents);
  return negative && d !== 0 ? -d : d;
}

function addresses(order: Order, from: FromAddress): Record<string, string> {
  const to = (order.shippingAddress ?? null) as {
    line1?: string;
    city?: string;
    state?: string;
    postalCode?: string;
    country?: string;
  } | null;
  const pick = (o: Record<string, string | undefined>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== '')) as Record<string, string>;
  const fromFields = pick({
    from_country: from.country,
    from_zip: from.zip,
    from_state: from.state,
    from_city: from.city,
    from_street: from.street,
  });
  const toFields = to
    ? pick({ to_country: to.country, to_zip: to.postalCode, to_state: to.state, to_city: to.city, to_street: to.line1 })
    : pick({ to_country: from.country, to_zip: from.zip, to_state: from.state, to_city: from.city, to_street: from.street });
  return { ...fromFields, ...toFields };
}

/**
 * The from-address and tax codes an order transaction was filed with (its stored body), to build the order's
 * transactions on those terms after the shop changed its settings. A product not in the filed lines keeps `current`'s
 * code (none is expected: a paid order's lines are frozen).
 */
export function filedTerms(
  filedOrder: unknown,
  current: { taxCodes: ReadonlyMap<string, string | null> },
): { from: FromAddress; taxCodes: ReadonlyMap<string, string | null> } {
  const body = (filedOrder && typeof filedOrder === 'object' ? filedOrder : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const from: FromAddress = Object.fromEntries(
    Object.entries({
      country: text(body.from_country),
      zip: text(body.from_zip),
      state: text(body.from_state),
      city: text(body.from_city),
      street: text(body.from_street),
    }).filter(([, v]) => v !== undefined),
  );
  const taxCodes = new Map(current.taxCodes);
  for (const line of Array.isArray(body.line_items) ? (body.line_items as Record<string, unknown>[]) : []) {
    if (typeof line?.id === 'string') taxCodes.set(line.id, text(line.product_tax_code) ?? null);
  }
  return { from, taxCodes };
}

function codeOf(taxCodes: ReadonlyMap<string, string | null>, productId: string): { product_tax_code?: string } {
  const code = taxCodes.get(productId);
  return code ? { product_tax_code: code } : {};
}

/** The order transaction (create and update). */
export function orderTransaction({ order, taxCodes, from }: TransactionInput): Record<string, unknown> {
  const items = [...order.items].sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
  const shares = lineShares({ ...order, items });
  const discountCents = Math.min(order.discountCents, order.subtotalCents);
  return {
    transaction_id: order.id,
    transaction_date: (order.paidAt ?? order.createdAt).toISOString(),
    ...addresses(order, from),
    amount: dollars(order.subtotalCents - discountCents + order.shippingCents),
    shipping: dollars(order.shippingCents),
    sales_tax: dollars(order.taxAmountCents),
    line_items: items.map((l, i) => ({
      id: l.productId,
      quantity: l.quantity,
      product_identifier: l.sku,
      description: l.name,
      ...codeOf(taxCodes, l.productId),
      unit_price: dollars(l.unitPriceCents),
      discount: dollars(shares.lines[i]!.discountCents),
      sales_tax: dollars(shares.lines[i]!.taxCents),
    })),
  };
}

interface StoredRefundItem {
  productId: string;
  quantity: number;
  discountCents?: number;
  taxCents?: number;
}

/** The refund transaction of `refund` (create and update): negative amounts, as TaxJar wants them. */
export function refundTransaction(input: TransactionInput, refund: Refund): Record<string, unknown> {
  const { order, taxCodes, from } = input;
  const withLines = refund.mode === 'PARTIAL_ITEMS' || refund.mode === 'FULL';
  const lines = withLines ? (refund.items as unknown as StoredRefundItem[]) : [];
  return {
    transaction_id: refund.id,
    transaction_reference_id: order.id,
    transaction_date: refund.createdAt.toISOString(),
    ...addresses(order, from),
    amount: dollars(refund.amountCents - refund.taxCents, true),
    shipping: dollars(refund.shippingCents, true),
    sales_tax: dollars(refund.taxCents, true),
    line_items: lines.map((r) => {
      const line = order.items.find((l) => l.productId === r.productId);
      return {
        id: r.productId,
        quantity: r.quantity,
        product_identifier: line?.sku ?? r.productId,
        description: line?.name ?? r.productId,
        ...codeOf(taxCodes, r.productId),
        unit_price: dollars(line?.unitPriceCents ?? 0, true),
        discount: dollars(r.discountCents ?? 0, true),
        sales_tax: dollars(r.taxCents ?? 0, true),
      };
    }),
  };
}
