// The checkout module, as the composition root and the surfaces see it: a customer's order in progress
// (sessions: one file per step behind the OrderSessionService facade), what it would cost (quote), and
// placing it (submit). It builds on the orders core (modules/orders), never the reverse. Everything else in
// this folder is internal (lint: no-restricted-imports in eslint.config.js).
export {
  createOrderSessionService,
  type OrderSessionDeps,
  type OrderSessionService,
  type ReviewedQuote,
} from './sessions/order-session.service.js';
export type { SessionItemView, SessionView } from './sessions/session-store.js';
export type { ShippingChoice } from './sessions/order-session.api.js';
export type { SessionProblem } from './sessions/session-errors.js';
export type { Quote, QuoteLine } from './quote/order-quote.js';
export { guardSql, inStock, outOfStockError, productRules, type PaymentReach } from './selection-rules.js';
export { MAX_LINE_QUANTITY } from './sessions/steps/set-item.js';
export { createSubmitOrder, type SubmitDeps, type SubmitResult } from './submit/submit-order.js';
