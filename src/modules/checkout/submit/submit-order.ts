// Submit (spec 001 "Side effects on confirm"): turns the customer's READY_TO_SUBMIT session into an order,
// in three named steps:
//   1. readSubmission (read-submission.ts): the session and the discount rows, nothing locked;
//   2. quoteSubmission (quote-submission.ts): priced from the catalog, the best eligible discount, the tax
//      provider asked (never under a lock);
//   3. placeOrder (place-order.ts): one transaction that re-checks everything (on the read, or under the
//      session lock) and writes the order in its last statement (SQL in submit.sql.ts).
// When what was quoted no longer holds at step 3 (a price, discount or address changed in between, the
// discount was used up, or the session changed since a lock-free read), the transaction is abandoned and
// submit starts over.
//
// Idempotent per session: a second submit, even concurrent, either waits for the session lock and finds it
// SUBMITTED, or fails its statement's session check (or the unique order per session) and starts over; both
// return the same order and payment (created: false). After the session is gone, a repeat within the
// session TTL returns the customer's latest submitted order the same way.
import { z } from 'zod';
import type { Clock } from '../../../platform/clock.js';
import type { SqlClient } from '../../../platform/db/sql.js';
import { AppError } from '../../../platform/errors.js';
import type { EventBus } from '../../../platform/jobs/queue.js';
import { parseInput } from '../../../platform/validate.js';
import type { DiscountService } from '../../discounts/discount.service.js';
import type { PlacedOrder, SubmitOrder } from '../../orders/index.js';
import type { TaxPort } from '../../tax/tax.port.js';
import { FINGERPRINT } from '../quote/quote-consent.js';
import type { PaymentReach } from '../selection-rules.js';
import { createSessionClock } from '../sessions/session-clock.js';
import type { NewOrderPayWindow } from '../../order-expiry/payment-window.service.js';
import { placeOrder, StaleQuote } from './place-order.js';
import { quoteSubmission } from './quote-submission.js';
import { readSubmission } from './read-submission.js';

export interface SubmitDeps {
  /** The plain-SQL client: submit's reads and its transaction run on it (platform/db/sql.ts). */
  sql: SqlClient;
  clock: Clock;
  bus: EventBus;
  discounts: DiscountService;
  tax: TaxPort;
  ttlMinutes: number;
  /** The new order's pay window (order-expiry), written with the order. */
  payWindows: NewOrderPayWindow;
  /** What this server can take payment through (the payment method's rules, selection-rules.ts). */
  reach: PaymentReach;
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
  /**
   * The keys of the surface's message the submit was pressed on (a Discord flow message's id, and the interaction whose
   * answer made it), when there is one: with no active session, the answer is about the session that message showed
   * (read-submission.ts).
   */
  shownIn: z.array(z.string().min(1).max(64)).max(4).optional(),
});

/** How many times submit starts over when what it quoted changed underneath it. */
const STALE_RETRIES = 3;

export function createSubmitOrder(deps: SubmitDeps): SubmitOrder {
  const clock = createSessionClock(deps.clock, deps.ttlMinutes);
  const stepDeps = { ...deps, clock };

  async function attempt(
    tenantId: string,
    customerId: string,
    memberRoleIds: string[],
    reviewed: { fingerprint?: string } | undefined,
    shownIn: readonly string[] | undefined,
  ): Promise<PlacedOrder> {
    const now = clock.now();
    const read = await readSubmission(stepDeps, tenantId, customerId, now, shownIn);
    if ('placed' in read) return read.placed;
    const quote = await quoteSubmission(stepDeps, read.session, { tenantId, customerId, memberRoleIds, now });
    return placeOrder(stepDeps, read.session, quote, { tenantId, customerId, memberRoleIds, reviewed, now });
  }

  /**
   * Submits the customer's active session. Errors: NOT_FOUND (no session; a product gone), SESSION_EXPIRED,
   * SESSION_EMPTY, ILLEGAL_STATE (not READY_TO_SUBMIT), ROLE_REQUIRED, OUT_OF_STOCK (details name the
   * product; nothing is written and the session stays submittable), TAX_SERVICE_UNAVAILABLE, QUOTE_CHANGED.
   */
  return async function submit(tenantId, customerId, input) {
    const { memberRoleIds, reviewed, shownIn } = parseInput(submitSchema, input, 'submit');
    for (let i = 0; ; i++) {
      try {
        return await attempt(tenantId, customerId, memberRoleIds, reviewed, shownIn);
      } catch (err) {
        if (!(err instanceof StaleQuote)) throw err;
        if (i >= STALE_RETRIES)
          throw new AppError('CONFLICT', 'Your order changed while it was being submitted: review it and submit again.');
      }
    }
  };
}
