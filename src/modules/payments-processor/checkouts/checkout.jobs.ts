// The payments core's jobs: voiding checkouts an order outgrew (enqueued by the orders_bump_version trigger
// in the order change's own transaction), refunding money that could not pay its order (enqueued by the
// ledger), and the reconciliation run every few minutes for webhooks that never came.
import { z } from 'zod';
import type { EventBus } from '../../../platform/jobs/queue.js';
import type { CheckoutService } from './checkout.service.js';
import { UNAPPLIED_REFUND_TASK } from './checkout-ledger.js';

export const CHECKOUT_TASKS = {
  voidStale: 'payment.checkouts.void_stale',
  // graphile-worker's crontab allows no dots in task names.
  reconcile: 'payment:checkouts:reconcile',
  refundUnapplied: UNAPPLIED_REFUND_TASK,
} as const;

export function registerCheckoutJobs(bus: EventBus, deps: { checkouts: CheckoutService; reconcileAfterMinutes: number }): void {
  bus.registerTask(CHECKOUT_TASKS.voidStale, {
    schema: z.object({ tenantId: z.string().min(1), orderId: z.string().min(1) }),
    run: async ({ tenantId, orderId }) => {
      await deps.checkouts.voidStale(tenantId, orderId);
    },
  });
  bus.registerTask(CHECKOUT_TASKS.refundUnapplied, {
    schema: z.object({ tenantId: z.string().min(1), checkoutId: z.string().min(1) }),
    run: ({ checkoutId }, job) => deps.checkouts.refundUnapplied(checkoutId, job),
  });
  bus.registerTask(CHECKOUT_TASKS.reconcile, {
    schema: z.unknown(),
    run: async () => {
      await deps.checkouts.reconcile(deps.reconcileAfterMinutes);
    },
  });
  bus.schedule(CHECKOUT_TASKS.reconcile, '*/3 * * * *');
}
