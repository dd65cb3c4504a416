// The orders core, as other modules, adapters and surfaces see it: what an order is (totals, placed
// order), its lifecycle (lock, transition table, unpaid cancellation), its reads and the daily fold of the
// dashboard's rollups. Everything else in this folder is internal (lint: no-restricted-imports in eslint.config.js).
export type { AfterSaleDeps, ItemQuantity } from './after-sale.deps.js';
export { cancelLockedOrder, OPEN_PAYMENT_STATUSES } from './cancel-unpaid.js';
export { cancelReasonOf, type CancelReason } from './cancel-reason.query.js';
export { lockOrder, orderLabel } from './order-lock.js';
export * from './order-transitions.js';
export { ORDER_ITEMS_ORDER_BY, ORDER_ITEMS_SQL_ORDER, orderDetailInclude, type OrderDetail } from './order-detail.js';
export type { OrderQueryService } from './order-query.service.js';
export { orderNumberTyped } from './order-number-typed.js';
export { readOrderDetail, requireOrderDetail } from './order-detail.sql.js';
export { createOrderService, type OrderService, type PlacedOrder, type SubmitOrder } from './order.service.js';
export type { OrderTotals } from './order-totals.js';
export { linesNotRefunded, overpaidCents, owedCents } from './order-totals.js';
export { createOrderListService, ORDER_PAGE_SIZE_MAX, type OrderListPage, type OrderListService } from './order-list.query.js';
export { createOrderCursorCodec, type OrderListFilter } from './order-cursor.js';
export { foldRollupSlots, registerRollupJobs, ROLLUP_FOLD_TASK } from './rollup-slots.jobs.js';
export { ORDER_STATUS_LABELS, orderAgainSentence, SHIPPING_STATUS_LABELS } from './status-words.js';
