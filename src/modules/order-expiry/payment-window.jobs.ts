// The pay window's jobs (payment-window.service.ts has the rules):
//   order.created > payment-window   sets the new order's deadline and schedules its reminder and expiry
//   order.payment_window.expire      at the deadline (run_at, job_key per order): cancels it as expired
//   order:payment_windows:sweep      every 30 minutes: orders still without a deadline get one
// The reminder itself is an event (order.payment_reminder) whose Discord subscriber sends the DM.
import { z } from 'zod';
import type { EventBus } from '../../platform/jobs/queue.js';
import { EVENTS, orderCreatedPayload } from '../shared/events.js';
import { EXPIRE_TASK, SWEEP_TASK, type PaymentWindowService } from './payment-window.service.js';

export function registerPaymentWindowJobs(bus: EventBus, deps: { paymentWindows: PaymentWindowService }): void {
  bus.subscribe(EVENTS.orderCreated, 'payment-window', {
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
