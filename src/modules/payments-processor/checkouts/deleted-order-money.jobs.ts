// The job of deleted-order-money.ts: money that reached PayPal or Square for a deleted order, sent back.
import { z } from 'zod';
import type { EventBus } from '../../../platform/jobs/queue.js';
import type { AfterSaleDeps } from '../../orders/index.js';
import type { ConnectionService } from '../connections/connection.service.js';
import { DELETED_ORDER_REFUND_TASK, refundDeletedOrderMoney } from './deleted-order-money.js';

export function registerDeletedOrderMoneyJobs(bus: EventBus, deps: AfterSaleDeps & { connections: ConnectionService }): void {
  bus.registerTask(DELETED_ORDER_REFUND_TASK, {
    schema: z.object({ tenantId: z.string().min(1), checkoutId: z.string().min(1) }),
    run: ({ checkoutId }, job) => refundDeletedOrderMoney(deps, checkoutId, job),
  });
}
