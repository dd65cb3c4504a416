// Submit, step 2: what the order will cost, decided before any lock is taken: the session priced from the
// catalog (every selection re-checked by the rules used when it was chosen), the best eligible discount,
// and the tax provider's answer (an HTTP call must never run under a row lock).
import { AppError } from '../../../platform/errors.js';
import type { DiscountCandidate, DiscountService } from '../../discounts/discount.service.js';
import type { TaxPort, TaxRequest } from '../../tax/tax.port.js';
import { priceSession, sessionAddress, taxRequestFor, type QuoteLine } from '../quote/order-quote.js';
import type { LoadedSession } from '../sessions/session-store.js';
import type { PaymentReach } from '../selection-rules.js';

export interface SubmissionQuote {
  lines: QuoteLine[];
  subtotalCents: number;
  /** The discount the order is priced with (its use is checked and counted by the order statement), or null. */
  discount: DiscountCandidate | null;
  taxAmountCents: number;
  /** The tax request as sent: the locked re-check must rebuild exactly this, or the quote is stale. */
  taxKey: string;
}

/** The session is complete (its selections are checked again by priceSession, with the rules of the steps). */
export function checkSubmittable(s: LoadedSession): void {
  if (s.items.length === 0) throw new AppError('SESSION_EMPTY', 'Your order has no items yet: add a product first.');
  if (s.state !== 'READY_TO_SUBMIT') {
    throw new AppError('ILLEGAL_STATE', 'Your order is not complete yet: set the shipping address and the payment method first.', {
      state: s.state,
    });
  }
}

/** The tax request for the session at this discount, as the key the locked re-check compares. */
export function taxKeyOf(s: LoadedSession, lines: readonly QuoteLine[], discountCents: number): string {
  return JSON.stringify(taxRequestFor(lines, discountCents, s.shippingType?.priceCents ?? 0, sessionAddress(s)) satisfies TaxRequest);
}

/** ROLE_REQUIRED, NOT_FOUND (a product gone), SESSION_EMPTY, ILLEGAL_STATE, PAYMENT_METHOD_NOT_ENABLED, TAX_SERVICE_UNAVAILABLE. */
export async function quoteSubmission(
  deps: { discounts: DiscountService; tax: TaxPort; reach: PaymentReach },
  s: LoadedSession & { extra?: unknown },
  input: { tenantId: string; customerId: string; memberRoleIds: readonly string[]; now: Date },
): Promise<SubmissionQuote> {
  checkSubmittable(s);
  const { lines, subtotalCents } = priceSession(s, deps.reach, input.memberRoleIds);
  const candidates = deps.discounts.candidatesFromRows(s.extra ?? [], {
    tenantId: input.tenantId,
    customerId: input.customerId,
    subtotalCents,
    now: input.now,
  });
  const discount = candidates[0] ?? null;
  const discountCents = Math.min(discount?.amountCents ?? 0, subtotalCents);
  const taxRequest = taxRequestFor(lines, discountCents, s.shippingType?.priceCents ?? 0, sessionAddress(s));
  const taxAmountCents = await deps.tax.taxForOrder(s.tenant, taxRequest);
  return { lines, subtotalCents, discount, taxAmountCents, taxKey: JSON.stringify(taxRequest satisfies TaxRequest) };
}
