// Session step: the review, what submit would charge now, stored on the session as what the customer saw.
import { Prisma } from '../../../../platform/db/prisma.js';
import { consentOf, quoteFingerprint } from '../../quote/quote-consent.js';
import { noSession, sessionExpired } from '../session-errors.js';
import { buildQuote, priceSession, sessionAddress, taxRequestFor } from '../../quote/order-quote.js';
import { expireSession, loadActiveSession } from '../session-store.js';
import type { OrderSessionService } from '../order-session.api.js';
import { type StepContext } from '../step-runner.js';

export function createReviewStep(ctx: StepContext): Pick<OrderSessionService, 'review'> {
  const { sql, clock, discounts, tax } = ctx;

  return {
    async review(tenantId, customerId) {
      const s = await loadActiveSession(sql, tenantId, customerId);
      if (!s) throw noSession();
      const now = clock.now();
      if (clock.isExpired(s, now)) {
        await expireSession(sql, s.id);
        throw sessionExpired();
      }
      const { lines, subtotalCents } = priceSession(s, ctx.reach);
      const address = sessionAddress(s);
      const discount = await discounts.resolveBestForCustomer(sql, { tenantId, customerId, subtotalCents, now });
      const shippingCents = s.shippingType?.priceCents ?? 0;
      const discountCents = Math.min(discount?.amountCents ?? 0, subtotalCents);
      const taxAmountCents = await tax.taxForOrder(s.tenant, taxRequestFor(lines, discountCents, shippingCents, address));
      const quote = buildQuote(s, { lines, subtotalCents, discount, taxAmountCents });
      const consented = consentOf(quote);
      // Looking at the summary is activity: it keeps the session alive. What it showed is stored: submit with
      // consent places the order only at these numbers (checkout/quote/quote-consent.ts). Not a new version of the
      // row ("updatedAt" stays): a concurrent step is not made to retry by a look at the summary.
      await sql.execute(Prisma.sql`UPDATE order_sessions SET "lastActivityAt" = ${now}, "expiresAt" = ${clock.expiresAt(now)}, "reviewedQuote" = ${JSON.stringify(consented)}::jsonb
        WHERE id = ${s.id} AND "activeSlot" = 1`);
      return { ...quote, fingerprint: quoteFingerprint(consented) };
    },
  };
}
