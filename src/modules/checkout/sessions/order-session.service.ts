// Order sessions (spec 004): a customer's order in progress, one active session per customer and tenant
// (unique active slot). Each step reads the session, checks its preconditions on what it read, and writes
// the change with compare-and-set on the row's version (see step()), re-deriving the state
// (session-state.ts) and extending the expiry. A session inactive for ORDER_SESSION_TTL_MINUTES is ended
// (EXPIRED) the next time it is touched.
// Every statement runs on the plain-SQL client (platform/db/sql.ts: prepared statements, no ORM cost): this
// is the hot path of the shop (bench:orders).
// The facade: one file per step behind it (steps/), the two ways a step writes in step-runner.ts.
import { createSessionClock } from './session-clock.js';
import type { OrderSessionDeps, OrderSessionService } from './order-session.api.js';
import { createStepRunner } from './step-runner.js';
import { createAddressSteps } from './steps/set-address.js';
import { createItemSteps } from './steps/set-item.js';
import { createPaymentMethodSteps } from './steps/set-payment-method.js';
import { createReviewStep } from './steps/review.js';
import { createShippingTypeSteps } from './steps/set-shipping-type.js';
import { createStartSteps } from './steps/start.js';

export type { OrderSessionDeps, OrderSessionService, ReviewedQuote } from './order-session.api.js';

export function createOrderSessionService(deps: OrderSessionDeps): OrderSessionService {
  const clock = createSessionClock(deps.clock, deps.ttlMinutes);
  const ctx = {
    sql: deps.sql,
    clock,
    discounts: deps.discounts,
    tax: deps.tax,
    reach: deps.reach,
    ...createStepRunner({ sql: deps.sql, clock }),
  };
  return {
    ...createStartSteps(ctx),
    ...createItemSteps(ctx),
    ...createAddressSteps(ctx),
    ...createShippingTypeSteps(ctx),
    ...createPaymentMethodSteps(ctx),
    ...createReviewStep(ctx),
  };
}
