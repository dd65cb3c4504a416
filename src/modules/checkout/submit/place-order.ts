// Submit, step 3: the one transaction that places the order.
//   An order whose session, as step 1 read it, passes every rule below is placed from that read: its
//   transaction is the order statement alone, sent with BEGIN and COMMIT (one round trip), and the statement
//   marks the session SUBMITTED only if the session is still the version read and the products and shipping
//   type it was priced from are still as read, failing otherwise (then submit starts over). No session lock,
//   no wait on this process between two statements.
//   Otherwise (a rule the read breaks): BEGIN, the session lock, then the statement:
//   lock the session (FOR UPDATE) -> re-check state and expiry, re-price (every selection rule again)
//   -> the quote must be the one the tax call was made for (StaleQuote otherwise: start over)
//   -> the customer's consent (the review they saw, when given)
//   -> ONE statement, the last, sent with its COMMIT: session SUBMITTED, the order number, order + items +
//      payment, its products held against a delete (FOR KEY SHARE), the stock reservations of every product
//      (locked in product-id order), the discount's use (checked; counted only when it has a limit), the pay
//      window's deadline, and the jobs of order.created and of the pay window (reminder, expiry) in one
//      add_jobs call. Its checks (session, products, stock, discount) fail the statement, so nothing is
//      committed when one does not hold.
// Locks on rows other buyers share (the tenant's order counter, the products' stock, a limited discount) are
// taken by that last statement, in that order, and held only while PostgreSQL runs it and the COMMIT sent
// with it: no hot row for the length of the transaction, nor for a round trip to this process, whatever the
// number of products (docs/decisions/order-numbers.md, docs/decisions/discount-usage.md).
import { checkFailure, raiseIfSql } from '../../../platform/db/check-failure.js';
import { isUniqueViolation, Prisma } from '../../../platform/db/prisma.js';
import type { SqlClient } from '../../../platform/db/sql.js';
import { AppError } from '../../../platform/errors.js';
import { addJobsSql, type EventBus } from '../../../platform/jobs/queue.js';
import type { DiscountService } from '../../discounts/discount.service.js';
import { checkReservedLine, mergeLines, reserveLinesSql, type ReservedLine, type StockLine } from '../../inventory/inventory.service.js';
import type { NewOrderPayWindow } from '../../order-expiry/payment-window.service.js';
import type { PlacedOrder } from '../../orders/index.js';
import { EVENTS } from '../../shared/events.js';
import { buildQuote, priceSession, sessionAddress } from '../quote/order-quote.js';
import { assertConsented, consentOf, parseReviewed } from '../quote/quote-consent.js';
import type { SessionClock } from '../sessions/session-clock.js';
import { noSession, sessionCancelled, sessionExpired } from '../sessions/session-errors.js';
import { expireSession, loadSessionById, type LoadedSession } from '../sessions/session-store.js';
import { checkSubmittable, taxKeyOf, type SubmissionQuote } from './quote-submission.js';
import { existingOrder } from './read-submission.js';
import type { PaymentReach } from '../selection-rules.js';
import {
  catalogAsReadSql,
  fromWritten,
  PLACE_ORDER_CHECKS,
  placeOrderSql,
  NUMBER_TAKEN,
  type OrderValues,
  type WrittenOrder,
} from './submit.sql.js';

/** What was quoted no longer holds (a price, the discount or the address changed, or the discount was used up): start over. */
export class StaleQuote extends Error {}

export interface PlaceOrderDeps {
  sql: SqlClient;
  /** What this server can take payment through: the payment method is checked again with it. */
  reach: PaymentReach;
  clock: SessionClock;
  bus: EventBus;
  discounts: DiscountService;
  /** The order's pay window: its deadline and the jobs of its reminder and expiry, written with the order. */
  payWindows: NewOrderPayWindow;
}

type PlaceInput = {
  tenantId: string;
  customerId: string;
  memberRoleIds: readonly string[];
  reviewed?: { fingerprint?: string };
  now: Date;
};

/** The order statement for a session (every rule checked again on it). */
type OrderPlan = { statement: Prisma.Sql; stockLines: StockLine[] };
/** The plan, or `expired` (the session's time ran out). */
type Planned = { expired: true } | OrderPlan;

function planOrder(
  deps: PlaceOrderDeps,
  s: LoadedSession,
  quote: SubmissionQuote,
  input: PlaceInput,
  readAs: OrderValues['readAs'],
): Planned {
  const { clock, bus, discounts, payWindows } = deps;
  const { tenantId, customerId, now } = input;
  if (s.activeSlot === null) {
    if (s.endReason === 'CANCELLED') throw sessionCancelled();
    throw sessionExpired();
  }
  if (clock.isExpired(s, now)) return { expired: true };
  checkSubmittable(s);
  const { lines, subtotalCents } = priceSession(s, deps.reach, input.memberRoleIds);
  const candidate = quote.discount;
  const discountCents = Math.min(candidate?.amountCents ?? 0, subtotalCents);
  if (taxKeyOf(s, lines, discountCents) !== quote.taxKey) throw new StaleQuote();
  const discount =
    candidate && discountCents > 0 ? { discountId: candidate.rule.id, name: candidate.rule.name, amountCents: discountCents } : null;
  const totals = buildQuote(s, { lines, subtotalCents, discount, taxAmountCents: quote.taxAmountCents });
  // The customer's consent: the amount and selections they reviewed, or nothing is written.
  if (input.reviewed) assertConsented(parseReviewed(s.reviewedQuote), consentOf(totals), input.reviewed.fingerprint);

  // The stock, reserved by the same statement (the inventory module's SQL): its products locked in
  // product-id order, after the order counter.
  const stockLines = mergeLines(lines.map((l) => ({ productId: l.productId, quantity: l.quantity })));
  const stock =
    stockLines.length > 0 ? reserveLinesSql(tenantId, stockLines, { id: Prisma.sql`o.id`, from: Prisma.sql`o` }, NUMBER_TAKEN) : null;
  const useInput = { tenantId, customerId, subtotalCents, now };
  const use = discount && candidate ? discounts.useSql(useInput, candidate, NUMBER_TAKEN) : null;
  // order.created, and the pay window's reminder and expiry: one add_jobs call with the order. Every order
  // is placed with its deadline (a READY_TO_SUBMIT session has a payment method; orders.paymentMethod is NOT NULL).
  if (!s.paymentMethod) throw new Error(`session ${s.id} is ready to submit without a payment method`);
  // The deadline is counted from the statement's now(), the database's clock its expiry is judged by (not `now`,
  // this instance's, which dates the order's placing).
  const payWindow = payWindows.forNewOrder({
    tenantId,
    orderId: Prisma.sql`o.id`,
    storedDueAt: Prisma.sql`o."paymentDueAt"`,
    paymentMethod: s.paymentMethod,
    windows: s.tenant.paymentWindowMinutes,
  });
  const created = bus.jobSpecsSql(EVENTS.orderCreated, Prisma.sql`json_build_object('tenantId', o."tenantId", 'orderId', o.id)`);
  const jobs = addJobsSql([...created, ...payWindow.jobs], Prisma.sql`o`);
  const statement = placeOrderSql(
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
      paymentDueAt: payWindow.dueAt,
      address: sessionAddress(s),
      lines,
      now,
      readAs,
    },
    {
      ctes: [...(stock ? [stock.ctes] : []), ...(use ? [use.ctes] : []), Prisma.sql`jobs AS (${jobs})`],
      columns: [Prisma.sql`(SELECT count(*)::int FROM jobs) AS jobs`],
      checks: [
        ...(stock ? [raiseIfSql(stock.failed, PLACE_ORDER_CHECKS.stock, stock.firstFailure)] : []),
        ...(use ? [raiseIfSql(use.stale, PLACE_ORDER_CHECKS.discount)] : []),
      ],
    },
  );
  return { statement, stockLines };
}

/**
 * The order statement for the session as step 1 read it, placed without taking the session's lock (one
 * statement, sent with BEGIN and its COMMIT: one round trip), when the session passes every rule on that read.
 * The statement marks the session SUBMITTED only if it is still that version (placeOrderSql's `readAs`) and
 * fails otherwise. Null: take the session's lock and check again.
 */
function planFromRead(deps: PlaceOrderDeps, pre: LoadedSession, quote: SubmissionQuote, input: PlaceInput): OrderPlan | null {
  try {
    const planned = planOrder(deps, pre, quote, input, {
      version: pre.version,
      reviewedQuote: pre.reviewedQuote,
      catalog: catalogAsReadSql(pre),
    });
    return 'statement' in planned ? planned : null;
  } catch {
    // A rule the read breaks is reported from the locked read, as it stands then.
    return null;
  }
}

export async function placeOrder(
  deps: PlaceOrderDeps,
  pre: LoadedSession,
  quote: SubmissionQuote,
  input: PlaceInput,
): Promise<PlacedOrder> {
  const { sql } = deps;
  const { tenantId } = input;
  const fromRead = planFromRead(deps, pre, quote, input);
  const outcome = await sql.transaction(async (tx) => {
    let planned: OrderPlan | null = fromRead;
    if (!planned) {
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
      const replanned = planOrder(deps, s, quote, input, undefined);
      if ('expired' in replanned) {
        await expireSession(tx, s.id);
        return { expired: true as const };
      }
      planned = replanned;
    }
    const { statement, stockLines } = planned;
    let written: WrittenOrder | undefined;
    try {
      [written] = await tx.queryThenCommit<WrittenOrder>(statement);
    } catch (err) {
      // Placed from the read: another submit of this session placed its order first (orders.sessionId is
      // unique). Start over: the read then finds that order.
      if (fromRead && isUniqueViolation(err, 'sessionId')) throw new StaleQuote();
      const failed = checkFailure(err);
      if (!failed) throw err;
      // The statement wrote nothing (and, sent with its COMMIT, the transaction is over).
      // Placed from the read: the session changed since (a step, a review, another submit). Start over.
      if (failed.name === PLACE_ORDER_CHECKS.session) throw new StaleQuote();
      // A product was deleted since it was priced (the panel's delete committed first): start over, and the
      // read then finds the session without it.
      if (failed.name === PLACE_ORDER_CHECKS.products) throw new StaleQuote();
      if (failed.name === PLACE_ORDER_CHECKS.stock) checkReservedLine(failed.found as ReservedLine, stockLines);
      // Used up (or edited, or ended) since the quote: price again without it.
      if (failed.name === PLACE_ORDER_CHECKS.discount) throw new StaleQuote();
      if (failed.name === PLACE_ORDER_CHECKS.shop) throw new AppError('NOT_FOUND', 'Shop not found');
      // The shop's currency changed since the order was priced (Change currency, amounts perhaps the same): start
      // over, and the new read prices it in the new currency, which the customer has not consented to yet.
      if (failed.name === PLACE_ORDER_CHECKS.currency) throw new StaleQuote();
      throw err;
    }
    const { order, payment } = fromWritten(stripReport(written!));
    return { result: { order, payment, created: true } };
  });
  if ('expired' in outcome) throw sessionExpired();
  return outcome.result;
}

/** The order row without the statement's report columns. */
function stripReport(row: WrittenOrder & { jobs?: unknown; checked?: unknown }): WrittenOrder {
  const { jobs: _jobs, checked: _checked, ...order } = row;
  return order;
}
