// services.orders: submit (the write) plus the read side.
import { createOrderQueryService, type OrderQueryService } from './order-query.service.js';
import { createSubmitOrder, type SubmitDeps, type SubmitResult } from './submit-order.js';

export interface OrderService extends OrderQueryService {
  submit(tenantId: string, customerId: string, input: { memberRoleIds: string[] }): Promise<SubmitResult>;
}

export function createOrderService(deps: SubmitDeps): OrderService {
  return { ...createOrderQueryService({ db: deps.db }), submit: createSubmitOrder(deps) };
}
