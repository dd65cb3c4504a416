// services.payments: confirm, record money received, mark an overpayment returned, and reject. See the command files for each contract.
import type { Order } from '../../generated/prisma/index.js';
import { notFound } from '../../platform/errors.js';
import type { AfterSaleDeps } from '../orders/index.js';
import type { TenantContext } from '../shared/actor.js';
import { confirmPayment, type PaymentRef, type PaymentResult } from './confirm-payment.command.js';
import { recordReceipt, type ReceiptInput, type ReceiptResult } from './record-receipt.command.js';
import { openPostForm, queueAdminPostRedraw } from './receipt-form.js';
import { rejectPayment } from './reject-payment.command.js';
import { returnOverpayment, type OverpaymentReturnInput, type OverpaymentReturnResult } from './return-overpayment.command.js';

export interface PaymentService {
  /** PENDING_PAYMENT -> PAID; payment -> paid; entitlements granted; order.paid. Idempotent. */
  confirm(ctx: TenantContext, ref: PaymentRef): Promise<PaymentResult>;
  /**
   * Money received for an order: receipts accumulate; PAID (through confirm) once they cover the total;
   * more than the total is flagged. Without an amount: confirm. Idempotent with an idempotencyKey.
   */
  recordReceipt(ctx: TenantContext, ref: PaymentRef, input?: ReceiptInput): Promise<ReceiptResult>;
  /**
   * The shop sent (part of) an order's overpayment back: recorded with who and when; the amount defaults to all
   * of it and may not exceed it. ILLEGAL_STATE when nothing is left to return (a second admin's press).
   */
  returnOverpayment(ctx: TenantContext, orderId: string, input?: OverpaymentReturnInput): Promise<OverpaymentReturnResult>;
  /**
   * The order a form on the admin post ("Record amount received", Reject's reason) opens for, from a post that showed
   * `receivedShown` received: refused
   * (CONFLICT, with what was recorded meanwhile and by whom) when the order has received another amount since, and the
   * post is drawn again (receipt-form.ts).
   */
  openPostForm(ctx: TenantContext, paymentId: string, receivedShown?: number): Promise<Order>;
  /** The order a payment of the tenant belongs to (NOT_FOUND for another tenant's payment). */
  orderOfPayment(tenantId: string, paymentId: string): Promise<Order>;
  /**
   * The admin post of the payment's order is drawn again from the order as it is now (a job on the admin channel's
   * lane): after a put-back that may have drawn it as it was before another admin's decision (deferral.ts).
   */
  redrawAdminPost(tenantId: string, paymentId: string): Promise<void>;
  /**
   * Payment -> rejected with the reason; order CANCELLED, stock released; order.cancelled. Idempotent. With
   * receivedCentsShown, refused (CONFLICT) when the order has received another amount since the form showed it.
   */
  reject(ctx: TenantContext, input: { paymentId: string; reason: string; receivedCentsShown?: number }): Promise<PaymentResult>;
}

export function createPaymentService(deps: AfterSaleDeps): PaymentService {
  async function orderOfPayment(tenantId: string, paymentId: string): Promise<Order> {
    const payment = await deps.db.payment.findFirst({ where: { id: paymentId, tenantId }, select: { order: true } });
    if (!payment) throw notFound('Payment', paymentId, { paymentId });
    return payment.order;
  }
  return {
    confirm: (ctx, ref) => confirmPayment(deps, ctx, ref),
    recordReceipt: (ctx, ref, input) => recordReceipt(deps, ctx, ref, input),
    openPostForm: (ctx, paymentId, receivedShown) => openPostForm(deps, ctx, paymentId, receivedShown),
    returnOverpayment: (ctx, orderId, input) => returnOverpayment(deps, ctx, orderId, input),
    orderOfPayment,
    async redrawAdminPost(tenantId, paymentId) {
      await queueAdminPostRedraw(deps, await orderOfPayment(tenantId, paymentId));
    },
    reject: (ctx, input) => rejectPayment(deps, ctx, input),
  };
}
