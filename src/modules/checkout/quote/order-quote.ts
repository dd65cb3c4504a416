// Prices a session from the catalog as it is now (a customer never sets a price): the lines, the subtotal,
// and the tax request for the provider. Shared by review (what the customer confirms) and submit (what is
// charged), so both compute the same numbers the same way.
import type { PaymentMethod } from '../../../generated/prisma/index.js';
import { AppError } from '../../../platform/errors.js';
import { assertSessionSelectable, type PaymentReach } from '../selection-rules.js';
import { toAddressInput, type AddressInput } from '../../customers/address.schema.js';
import type { LoadedSession } from '../sessions/session-store.js';
import type { TaxRequest } from '../../tax/tax.port.js';
import { composeTotals, lineDiscounts, lineTotalCents, subtotalCents } from './pricing.js';
import type { OrderTotals } from '../../orders/index.js';
import type { QuoteLine } from './quote-line.js';

export type { QuoteLine };

export interface Quote extends OrderTotals {
  lines: QuoteLine[];
  paymentMethod: PaymentMethod | null;
  address: AddressInput;
}

/**
 * The session's lines at today's catalog prices, after every selection is checked again by the rules used
 * when it was chosen (checkout/selection-rules.ts). Throws SESSION_EMPTY (no items), NOT_FOUND (a product
 * deactivated or a shipping type withdrawn: the message names it), ROLE_REQUIRED (when memberRoleIds is
 * given and the member no longer holds a role a product requires), CURRENCY_MISMATCH, OUT_OF_STOCK (early;
 * the binding check is the reservation), PAYMENT_METHOD_NOT_ENABLED (disabled since it was chosen, or no longer
 * payable with `reach`: the shop's connection stopped working, or the server cannot link to the invoice page).
 */
export function priceSession(
  session: LoadedSession,
  reach: PaymentReach,
  memberRoleIds?: readonly string[],
): { lines: QuoteLine[]; subtotalCents: number } {
  if (session.items.length === 0) throw new AppError('SESSION_EMPTY', 'Your order has no items yet: add a product first.');
  assertSessionSelectable(session, reach, memberRoleIds);
  // In the order the customer added them (the session's items are read that way): what the review lists.
  const lines = session.items.map((i) => {
    const p = i.product;
    return {
      productId: p.id,
      sku: p.sku,
      name: p.name,
      quantity: i.quantity,
      unitPriceCents: p.unitPriceCents,
      lineTotalCents: lineTotalCents({ quantity: i.quantity, unitPriceCents: p.unitPriceCents }),
      ...(p.taxCode ? { productTaxCode: p.taxCode } : {}),
    };
  });
  return { lines, subtotalCents: subtotalCents(lines) };
}

/** The session's shipping address, or ILLEGAL_STATE when none is set yet. */
export function sessionAddress(session: LoadedSession): AddressInput {
  if (!session.address) throw new AppError('ILLEGAL_STATE', 'Set a shipping address first.');
  return toAddressInput(session.address);
}

/**
 * The tax request for the lines. They are taken in product id order, whatever order the customer added them
 * in: a tie of the discount split then goes to the same line as in the refund shares and the TaxJar filing
 * (refunds/refund-shares.ts), and the request is the same for the same cart.
 */
export function taxRequestFor(lines: readonly QuoteLine[], discountCents: number, shippingCents: number, to: AddressInput): TaxRequest {
  const sorted = [...lines].sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
  const shares = lineDiscounts(sorted, discountCents);
  const sub = subtotalCents(sorted);
  return {
    to,
    lines: sorted.map((l, i) => ({
      productId: l.productId,
      quantity: l.quantity,
      unitPriceCents: l.unitPriceCents,
      discountCents: shares[i] ?? 0,
      ...(l.productTaxCode ? { productTaxCode: l.productTaxCode } : {}),
    })),
    shippingCents,
    amountCents: sub - Math.min(discountCents, sub),
  };
}

/**
 * The quote review shows and submit re-checks, built the same way on both sides from the priced lines, the
 * discount that applies, and the tax: lines, totals, names, method, address.
 */
export function buildQuote(
  session: LoadedSession,
  input: { lines: QuoteLine[]; subtotalCents: number; discount: { name: string; amountCents: number } | null; taxAmountCents: number },
): Quote {
  const shippingCents = session.shippingType?.priceCents ?? 0;
  const totals = composeTotals({
    subtotalCents: input.subtotalCents,
    discountCents: input.discount?.amountCents ?? 0,
    shippingCents,
    taxAmountCents: input.taxAmountCents,
  });
  return {
    lines: input.lines,
    ...totals,
    discountName: input.discount && totals.discountCents > 0 ? input.discount.name : null,
    shippingTypeName: session.shippingType?.name ?? null,
    currency: session.tenant.currency,
    paymentMethod: session.paymentMethod,
    address: sessionAddress(session),
  };
}
