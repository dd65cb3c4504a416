// The pay window's jobs (payment-window.service.ts has the rules). Submit sets a new order's deadline and adds
// its reminder and expiry jobs in the statement that inserts the order (createNewOrderPayWindow); these are
// the jobs that follow:
//   order.payment_window.expire      at the deadline (run_at, job_key per order): cancels it as expired
//   order:payment_windows:sweep      every 30 minutes: orders still without a deadline get one
//   order.created>payment-window     no longer added: it set the deadline after the order was placed. Kept
//                                    for the jobs a release before 2026-12-02 queued (idempotent: an order
//                                    with a deadline is left as it is).
// The reminder itself is an event (order.payment_reminder) whose Discord subscriber sends the DM.
import { z } from 'zod';
import type { EventBus } from '../../platform/jobs/queue.js';
import { orderCreatedPayload } from '../shared/events.js';
import { EXPIRE_TASK, SWEEP_TASK, type PaymentWindowService } from './payment-window.service.js';

/** The task name the order.created subscriber had: jobs of it may still be queued. */
export const LEGACY_SCHEDULE_TASK = 'order.created>payment-window';

export function registerPaymentWindowJobs(bus: EventBus, deps: { paymentWindows: PaymentWindowService }): void {
  bus.registerTask(LEGACY_SCHEDULE_TASK, {
    schema: orderCreatedPayload,
    run: async ({ tenantId, orderId }) => {
      await deps.paymentWindows.schedule(tenantId, orderId);
    },
  });
  bus.registerTask(EXPIRE_TASK, {
    schema: z.object({ tenantId: z.string().min(1), orderId: z.string().min(1) }),
    run: async ({ tenantId, orderId }) => {
      await deps.paymentWindows.expire(tenantId, orderId);
    },
  });
  bus.registerTask(SWEEP_TASK, {
    schema: z.unknown(),
    run: async () => {
      await deps.paymentWindows.sweep();
    },
  });
  bus.schedule(SWEEP_TASK, '*/30 * * * *');
}
