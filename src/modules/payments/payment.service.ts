// services.payments: confirm and reject. See the command files for each contract.
import type { AfterSaleDeps } from '../orders/index.js';
import type { TenantContext } from '../shared/actor.js';
import { confirmPayment, type PaymentRef, type PaymentResult } from './confirm-payment.command.js';
import { rejectPayment } from './reject-payment.command.js';

export interface PaymentService {
  /** PENDING_PAYMENT -> PAID; payment -> paid; entitlements granted; order.paid. Idempotent. */
  confirm(ctx: TenantContext, ref: PaymentRef): Promise<PaymentResult>;
  /** Payment -> rejected with the reason; order CANCELLED, stock released; order.cancelled. Idempotent. */
  reject(ctx: TenantContext, input: { paymentId: string; reason: string }): Promise<PaymentResult>;
}

export function createPaymentService(deps: AfterSaleDeps): PaymentService {
  return {
    confirm: (ctx, ref) => confirmPayment(deps, ctx, ref),
    reject: (ctx, input) => rejectPayment(deps, ctx, input),
  };
}
