// Submit, step 3: the one transaction that places the order. Three round trips: BEGIN with the session
// lock, the order statement, COMMIT.
//   lock the session (FOR UPDATE) -> re-check state and expiry, re-price (every selection rule again)
//   -> the quote must be the one the tax call was made for (StaleQuote otherwise: start over)
//   -> the customer's consent (the review they saw, when given)
//   -> ONE statement, the last: order number, order + items + payment, session SUBMITTED, the stock of a
//      one-product order, the discount's use (checked; counted only when it has a limit), order.created.
// Locks on rows other buyers share (the tenant's order counter, a limited discount, a product's stock) are
// taken by that last statement and held only until COMMIT: no hot row for the length of the transaction
// (docs/decisions/order-numbers.md, docs/decisions/discount-usage.md).
import { Prisma } from '../../../platform/db/prisma.js';
import type { SqlClient } from '../../../platform/db/sql.js';
import { AppError } from '../../../platform/errors.js';
import type { EventBus } from '../../../platform/jobs/queue.js';
import type { DiscountService } from '../../discounts/discount.service.js';
import {
  checkReservedLine,
  mergeLines,
  reservedLineSql,
  reserveLineCtes,
  type InventoryService,
  type ReservedLine,
} from '../../inventory/inventory.service.js';
import type { PlacedOrder } from '../../orders/index.js';
import { EVENTS } from '../../shared/events.js';
import { buildQuote, priceSession, sessionAddress } from '../quote/order-quote.js';
import { assertConsented, consentOf, parseReviewed } from '../quote/quote-consent.js';
import type { SessionClock } from '../sessions/session-clock.js';
import { noSession, sessionCancelled, sessionExpired } from '../sessions/session-errors.js';
import { expireSession, loadSessionById, type LoadedSession } from '../sessions/session-store.js';
import { checkSubmittable, taxKeyOf, type SubmissionQuote } from './quote-submission.js';
import { existingOrder } from './read-submission.js';
import { fromWritten, placeOrderSql, type WrittenOrder } from './submit.sql.js';

/** What was quoted no longer holds (a price, the discount or the address changed, or the discount was used up): start over. */
export class StaleQuote extends Error {}

export interface PlaceOrderDeps {
  sql: SqlClient;
  clock: SessionClock;
  bus: EventBus;
  inventory: InventoryService;
  discounts: DiscountService;
}

export async function placeOrder(
  deps: PlaceOrderDeps,
  pre: LoadedSession,
  quote: SubmissionQuote,
  input: { tenantId: string; customerId: string; memberRoleIds: readonly string[]; reviewed?: { fingerprint?: string }; now: Date },
): Promise<PlacedOrder> {
  const { sql, clock, bus, inventory, discounts } = deps;
  const { tenantId, customerId, now } = input;
  const outcome = await sql.transaction(async (tx) => {
    const locked = await loadSessionById(tx, tenantId, pre.id, { lock: true });
    if (!locked) throw noSession();
    // FOR UPDATE re-reads the session row once a concurrent writer commits, but the items in the same
    // statement keep its start snapshot. When the row changed since the pre-read, read everything again
    // (a new statement sees what was committed; the lock we now hold keeps it so).
    const s = locked.version === pre.version ? locked : (await loadSessionById(tx, tenantId, pre.id))!;
    if (s.state === 'SUBMITTED') {
      const existing = await existingOrder(tx, tenantId, s.id);
      if (existing) return { result: existing };
    }
    if (s.activeSlot === null) {
      if (s.endReason === 'CANCELLED') throw sessionCancelled();
      throw sessionExpired();
    }
    if (clock.isExpired(s, now)) {
      await expireSession(tx, s.id);
      return { expired: true as const };
    }
    checkSubmittable(s);
    const { lines, subtotalCents } = priceSession(s, input.memberRoleIds);
    const candidate = quote.discount;
    const discountCents = Math.min(candidate?.amountCents ?? 0, subtotalCents);
    if (taxKeyOf(s, lines, discountCents) !== quote.taxKey) throw new StaleQuote();
    const discount =
      candidate && discountCents > 0 ? { discountId: candidate.rule.id, name: candidate.rule.name, amountCents: discountCents } : null;
    const totals = buildQuote(s, { lines, subtotalCents, discount, taxAmountCents: quote.taxAmountCents });
    // The customer's consent: the amount and selections they reviewed, or nothing is written.
    if (input.reviewed) assertConsented(parseReviewed(s.reviewedQuote), consentOf(totals), input.reviewed.fingerprint);

    // The usual order has one product: its stock reservation is part of the statement (the inventory
    // module's SQL). Several products are reserved by inventory.reserveForOrder afterwards, one
    // product-id-ordered statement each, so concurrent orders lock product rows in one order.
    const stockLines = mergeLines(lines.map((l) => ({ productId: l.productId, quantity: l.quantity })));
    const oneLine = stockLines.length === 1 ? stockLines[0]! : null;
    const useInput = { tenantId, customerId, subtotalCents, now };
    const use = discount && candidate ? discounts.useSql(useInput, candidate) : null;
    const jobs = bus.emitSql(EVENTS.orderCreated, Prisma.sql`json_build_object('tenantId', o."tenantId", 'orderId', o.id)`, Prisma.sql`o`);
    const [written] = await tx.query<WrittenOrder & { reservation?: ReservedLine; discount_use?: unknown; jobs: number }>(
      placeOrderSql(
        {
          tenantId,
          customerId,
          guildId: s.guildId,
          sessionId: s.id,
          totals,
          currency: s.tenant.currency,
          discount,
          shippingType: s.shippingType,
          paymentMethod: s.paymentMethod,
          address: sessionAddress(s),
          lines,
          now,
        },
        {
          ctes: [
            ...(oneLine ? [reserveLineCtes(tenantId, { id: Prisma.sql`o.id`, from: Prisma.sql`o` }, oneLine)] : []),
            ...(use ? [use.ctes] : []),
            Prisma.sql`jobs AS (${jobs})`,
          ],
          columns: [
            ...(oneLine ? [Prisma.sql`${reservedLineSql(tenantId, oneLine)} AS reservation`] : []),
            ...(use ? [Prisma.sql`${use.outcome} AS discount_use`] : []),
            Prisma.sql`(SELECT count(*)::int FROM jobs) AS jobs`,
          ],
        },
      ),
    );
    if (!written) throw new AppError('NOT_FOUND', 'Shop not found');
    const { reservation, discount_use: discountUse, jobs: _jobs, ...row } = written;
    const { order, payment } = fromWritten(row);
    // OUT_OF_STOCK (or a product gone) throws here and the whole transaction rolls back.
    if (oneLine) checkReservedLine(reservation, oneLine);
    // Used up (or edited, or ended) since the quote: roll back, and price again without it.
    if (use && candidate && !discounts.checkUse(discountUse, useInput, candidate)) throw new StaleQuote();
    if (!oneLine) await inventory.reserveForOrder(tx, { tenantId, orderId: order.id, lines: stockLines });
    return { result: { order, payment, created: true } };
  });
  if ('expired' in outcome) throw sessionExpired();
  return outcome.result;
}
