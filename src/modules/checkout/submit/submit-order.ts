// Submit (spec 001 "Side effects on confirm"): turns the customer's READY_TO_SUBMIT session into an order.
// Before the transaction (nothing locked): read the session, price it from the catalog, rank the eligible
// discounts, and ask the tax provider (an HTTP call must never run under a row lock).
// Then one transaction:
//   lock the session (FOR UPDATE) -> re-check state, role-gating and active products, re-price
//   -> count one use of the best discount still eligible (conditional UPDATE) -> totals
//   -> next order number under the tenant row lock -> order + items (address snapshot, guildId) -> payment
//   awaiting_admin_approval -> session SUBMITTED (activeSlot NULL; orders.sessionId unique links them)
//   -> stock reservations (OUT_OF_STOCK rolls everything back) -> order.created enqueued.
// If the tax inputs rebuilt inside differ from what was sent (a price, discount or address changed in
// between), the transaction is abandoned and submit starts over.
//
// Idempotent per session: a second submit, even concurrent, waits for the session lock, finds it
// SUBMITTED and returns the same order and payment (created: false). After the session is gone, a repeat
// within the session TTL returns the customer's latest submitted order the same way.
import type { Order, OrderItem, Payment } from '../../../generated/prisma/index.js';
import type { Clock } from '../../../platform/clock.js';
import { Prisma } from '../../../platform/db/prisma.js';
import { parseUtcTimestamp as utc, type SqlClient, type SqlRunner } from '../../../platform/db/sql.js';
import { AppError } from '../../../platform/errors.js';
import type { EventBus } from '../../../platform/jobs/queue.js';
import { z } from 'zod';
import { parseInput } from '../../../platform/validate.js';
import { assertConsented, consentOf, FINGERPRINT, parseReviewed } from '../quote/quote-consent.js';
import { createSessionClock } from '../sessions/session-clock.js';
import { noSession, sessionCancelled, sessionExpired } from '../sessions/session-errors.js';
import type { DiscountService } from '../../discounts/discount.service.js';
import { checkReservedLine, mergeLines, reservedLineSql, reserveLineCtes, type InventoryService, type ReservedLine } from '../../inventory/inventory.service.js';
import { expireSession, loadActiveSession, loadSessionById, type LoadedSession } from '../sessions/session-store.js';
import { EVENTS } from '../../shared/events.js';
import type { PlacedOrder, SubmitOrder } from '../../orders/index.js';
import type { TaxPort, TaxRequest } from '../../tax/tax.port.js';
import { buildQuote, priceSession, sessionAddress, taxRequestFor } from '../quote/order-quote.js';

export interface SubmitDeps {
  /** The plain-SQL client: submit's reads and its transaction run on it (platform/db/sql.ts). */
  sql: SqlClient;
  clock: Clock;
  bus: EventBus;
  inventory: InventoryService;
  discounts: DiscountService;
  tax: TaxPort;
  ttlMinutes: number;
}

/** The order placed (or found placed) for the session: the orders core's PlacedOrder. */
export type SubmitResult = PlacedOrder;

const submitSchema = z.object({
  memberRoleIds: z.array(z.string()).max(250),
  /**
   * The customer's consent: when given, the order is placed only at the quote the last review showed
   * (stored on the session), and, with a fingerprint, only if that review is the one the customer saw
   * (QUOTE_CHANGED otherwise, with what changed). Customer surfaces always pass it.
   */
  reviewed: z.object({ fingerprint: z.string().regex(FINGERPRINT).optional() }).optional(),
});

/** The tax inputs changed between the tax call and the locked re-check: start over. */
class StaleQuote extends Error {}

/** An order row with its items and payment as JSON (json_agg / row_to_json), as submit's statements return it. */
type WrittenOrder = Order & { items: OrderItem[]; payment: PaymentJson | null };
/** A payment row through row_to_json: its timestamps are ISO text without a zone, holding UTC. */
type PaymentJson = Omit<Payment, 'confirmedAt' | 'createdAt' | 'updatedAt'> & { confirmedAt: string | null; createdAt: string; updatedAt: string };

function fromWritten(row: WrittenOrder): { order: Order & { items: OrderItem[] }; payment: Payment } {
  const { payment: p, ...order } = row;
  if (!p) throw new Error(`order ${row.id} has no payment`);
  return { order, payment: { ...p, confirmedAt: p.confirmedAt === null ? null : utc(p.confirmedAt), createdAt: utc(p.createdAt), updatedAt: utc(p.updatedAt) } };
}

/** The session is complete (its selections are checked again by priceSession, with the rules of the steps). */
function checkSubmittable(s: LoadedSession): void {
  if (s.items.length === 0) throw new AppError('SESSION_EMPTY', 'Your order has no items yet: add a product first.');
  if (s.state !== 'READY_TO_SUBMIT') {
    throw new AppError('ILLEGAL_STATE', 'Your order is not complete yet: set the shipping address and the payment method first.', { state: s.state });
  }
}

export function createSubmitOrder(deps: SubmitDeps): SubmitOrder {
  const { sql, bus, inventory, discounts, tax } = deps;
  const clock = createSessionClock(deps.clock, deps.ttlMinutes);

  /** The order a session became, with its items and first payment (as the order statement returns them). */
  async function existingFor(runner: SqlRunner, tenantId: string, sessionId: string): Promise<SubmitResult | null> {
    const [row] = await runner.query<WrittenOrder>(Prisma.sql`
      SELECT o.*, COALESCE((SELECT json_agg(i ORDER BY i.id) FROM order_items i WHERE i."orderId" = o.id), '[]'::json) AS items,
        (SELECT row_to_json(p) FROM payments p WHERE p."orderId" = o.id ORDER BY p."createdAt", p.id LIMIT 1) AS payment
      FROM orders o WHERE o."sessionId" = ${sessionId} AND o."tenantId" = ${tenantId}`);
    if (!row?.payment) return null;
    return { ...fromWritten(row), created: false };
  }

  async function attempt(tenantId: string, customerId: string, memberRoleIds: string[], reviewed: { fingerprint?: string } | undefined): Promise<SubmitResult> {
    const now = clock.now();
    // The discount rows come with the session (one round trip); which are eligible is decided once priced.
    const pre = await loadActiveSession<unknown>(sql, tenantId, customerId, { extra: discounts.candidateRowsSql({ tenantId, customerId, now }) });
    if (!pre) {
      // A repeat click after the session was submitted: answer with that order rather than an error.
      const [recent] = await sql.query<{ id: string }>(Prisma.sql`
        SELECT id FROM order_sessions
        WHERE "tenantId" = ${tenantId} AND "customerId" = ${customerId} AND state = 'SUBMITTED' AND "updatedAt" >= ${clock.withinTtlSince(now)}
        ORDER BY "updatedAt" DESC LIMIT 1`);
      const existing = recent ? await existingFor(sql, tenantId, recent.id) : null;
      if (existing) return existing;
      throw noSession();
    }
    if (clock.isExpired(pre, now)) {
      await expireSession(sql, pre.id);
      throw sessionExpired();
    }
    checkSubmittable(pre);
    const priced = priceSession(pre, memberRoleIds);
    const discountCandidates = discounts.candidatesFromRows(pre.extra ?? [], { tenantId, customerId, subtotalCents: priced.subtotalCents, now });
    const preview = discountCandidates[0];
    const taxRequest = taxRequestFor(priced.lines, Math.min(preview?.amountCents ?? 0, priced.subtotalCents), pre.shippingType?.priceCents ?? 0, sessionAddress(pre));
    const taxAmountCents = await tax.taxForOrder(pre.tenant, taxRequest);
    const taxKey = JSON.stringify(taxRequest satisfies TaxRequest);

    const outcome = await sql.transaction(async (tx) => {
      const locked = await loadSessionById(tx, tenantId, pre.id, { lock: true });
      if (!locked) throw noSession();
      // FOR UPDATE re-reads the session row once a concurrent writer commits, but the items in the same
      // statement keep its start snapshot. When the row changed since the pre-read, read everything again
      // (a new statement sees what was committed; the lock we now hold keeps it so).
      const s = locked.version === pre.version ? locked : (await loadSessionById(tx, tenantId, pre.id))!;
      if (s.state === 'SUBMITTED') {
        const existing = await existingFor(tx, tenantId, s.id);
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
      const { lines, subtotalCents } = priceSession(s, memberRoleIds);
      const address = sessionAddress(s);
      const applied = await discounts.applyFirst(tx, { tenantId, customerId, subtotalCents, now }, discountCandidates);
      const shippingCents = s.shippingType?.priceCents ?? 0;
      const quote = buildQuote(s, { lines, subtotalCents, discount: applied, taxAmountCents });
      const totals = quote;
      if (JSON.stringify(taxRequestFor(lines, totals.discountCents, shippingCents, address)) !== taxKey) throw new StaleQuote();
      const discount = applied && totals.discountCents > 0 ? applied : null;
      // The customer's consent: the amount and selections they reviewed, or nothing is written.
      if (reviewed) assertConsented(parseReviewed(s.reviewedQuote), consentOf(quote), reviewed.fingerprint);

      // One statement writes the order: the next order number (the tenant row lock, held to commit, hands
      // them out one at a time with no gaps on rollback), the order with its address snapshot, its items,
      // its payment, and the session marked SUBMITTED (activeSlot NULL frees the customer's slot). Raw SQL
      // in one round trip: submit is the hot path of the shop (see bench:orders).
      // The payment is created straight into awaiting_admin_approval: its "pending" moment would exist only
      // inside this transaction, where nothing can observe it (spec 001 step 3: every method waits for an admin).
      const values = Prisma.join(lines.map((l) => Prisma.sql`(${l.productId}, ${l.sku}, ${l.name}, ${l.quantity}::int, ${l.unitPriceCents}::int)`));
      // The usual order has one product: its stock reservation is part of this statement too (the inventory
      // module's SQL, the same the reservation below runs; evaluated after the order number, as before).
      // Several products are reserved by inventory.reserveForOrder afterwards, one product-id-ordered
      // statement each, so concurrent orders lock product rows in one order.
      const stockLines = mergeLines(lines.map((l) => ({ productId: l.productId, quantity: l.quantity })));
      const oneLine = stockLines.length === 1 ? stockLines[0]! : null;
      const [written] = await tx.query<WrittenOrder & { reservation?: ReservedLine }>(Prisma.sql`
        WITH n AS (
          UPDATE tenants SET "nextOrderNumber" = "nextOrderNumber" + 1, "updatedAt" = ${now}
          WHERE id = ${tenantId} RETURNING "nextOrderNumber" - 1 AS number
        ), o AS (
          INSERT INTO orders ("tenantId", number, "customerId", "guildId", "sessionId", status, "subtotalCents", "discountCents", "shippingCents",
            "taxAmountCents", "totalCents", currency, "discountId", "discountName", "shippingTypeId", "shippingTypeName", "paymentMethod",
            "shippingAddress", "createdAt", "updatedAt")
          SELECT ${tenantId}, n.number, ${customerId}, ${s.guildId}, ${s.id}, 'PENDING_PAYMENT', ${totals.subtotalCents}, ${totals.discountCents},
            ${totals.shippingCents}, ${totals.taxAmountCents}, ${totals.totalCents}, ${s.tenant.currency}, ${discount?.discountId ?? null},
            ${discount?.name ?? null}, ${s.shippingType?.id ?? null}, ${s.shippingType?.name ?? null}, ${s.paymentMethod}::"PaymentMethod",
            ${JSON.stringify(address)}::jsonb, ${now}, ${now}
          FROM n
          RETURNING *
        ), i AS (
          INSERT INTO order_items ("orderId", "productId", sku, name, quantity, "unitPriceCents")
          SELECT o.id, v.product_id, v.sku, v.name, v.quantity, v.unit_price FROM o, (VALUES ${values}) AS v(product_id, sku, name, quantity, unit_price)
          RETURNING *
        ), p AS (
          INSERT INTO payments ("tenantId", "orderId", method, status, "amountCents", currency, "createdAt", "updatedAt")
          SELECT ${tenantId}, o.id, o."paymentMethod", 'awaiting_admin_approval', o."totalCents", o.currency, ${now}, ${now} FROM o
          RETURNING *
        ), ses AS (
          -- A data-modifying CTE always runs, referenced or not.
          UPDATE order_sessions SET state = 'SUBMITTED', "activeSlot" = NULL, "lastActivityAt" = ${now}, "updatedAt" = ${now}
          WHERE id = ${s.id} RETURNING id
        )${oneLine ? Prisma.sql`, ${reserveLineCtes(tenantId, { id: Prisma.sql`o.id`, from: Prisma.sql`o` }, oneLine)}` : Prisma.empty}
        SELECT o.*, (SELECT json_agg(i ORDER BY i.id) FROM i) AS items, (SELECT row_to_json(p) FROM p) AS payment
          ${oneLine ? Prisma.sql`, ${reservedLineSql(tenantId, oneLine)} AS reservation` : Prisma.empty}
        FROM o`);
      if (!written) throw new AppError('NOT_FOUND', 'Shop not found');
      const { reservation, ...row } = written;
      const { order, payment } = fromWritten(row);
      // OUT_OF_STOCK (or a product gone) throws here and the whole transaction rolls back.
      if (oneLine) checkReservedLine(reservation, oneLine);
      else await inventory.reserveForOrder(tx, { tenantId, orderId: order.id, lines: stockLines });
      await bus.emit(tx, EVENTS.orderCreated, { tenantId, orderId: order.id });
      return { result: { order, payment, created: true } };
    });
    if ('expired' in outcome) throw sessionExpired();
    return outcome.result;
  }

  /**
   * Submits the customer's active session. Errors: NOT_FOUND (no session; a product gone), SESSION_EXPIRED,
   * SESSION_EMPTY, ILLEGAL_STATE (not READY_TO_SUBMIT), ROLE_REQUIRED, OUT_OF_STOCK (details name the
   * product; nothing is written and the session stays submittable), TAX_SERVICE_UNAVAILABLE.
   */
  return async function submit(tenantId: string, customerId: string, input: { memberRoleIds: string[]; reviewed?: { fingerprint?: string } }): Promise<SubmitResult> {
    const { memberRoleIds, reviewed } = parseInput(submitSchema, input, 'submit');
    for (let i = 0; ; i++) {
      try {
        return await attempt(tenantId, customerId, memberRoleIds, reviewed);
      } catch (err) {
        if (err instanceof StaleQuote && i < 3) continue;
        if (err instanceof StaleQuote) throw new AppError('CONFLICT', 'Your order changed while it was being submitted: review it and submit again.');
        throw err;
      }
    }
  };
}
