// The payments core's jobs: voiding checkouts an order outgrew (enqueued by the orders_bump_version trigger
// in the order change's own transaction), refunding money that could not pay its order (enqueued by the
// ledger), the reconciliation run every few minutes for webhooks that never came, and the refund sweep for
// refunds made in the provider's dashboard whose webhook never came (refund-sweep.ts).
import { z } from 'zod';
import type { EventBus } from '../../../platform/jobs/queue.js';
import type { CheckoutService } from './checkout.service.js';
import { UNAPPLIED_REFUND_TASK } from './checkout-ledger.js';
import type { RefundSweep } from './refund-sweep.js';

export const CHECKOUT_TASKS = {
  voidStale: 'payment.checkouts.void_stale',
  // graphile-worker's crontab allows no dots in task names.
  reconcile: 'payment:checkouts:reconcile',
  refundUnapplied: UNAPPLIED_REFUND_TASK,
  refundSweep: 'payment:checkouts:refund_sweep',
} as const;

export function registerCheckoutJobs(
  bus: EventBus,
  deps: { checkouts: CheckoutService; reconcileAfterMinutes: number; refundSweep: RefundSweep },
): void {
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
  bus.registerTask(CHECKOUT_TASKS.refundSweep, {
    schema: z.unknown(),
    run: async () => {
      await deps.refundSweep.run();
    },
  });
  bus.schedule(CHECKOUT_TASKS.refundSweep, '*/5 * * * *');
}
