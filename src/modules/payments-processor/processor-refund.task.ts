// The job that sends a refund's money back through the shop's own processor connection (PayPal, Square, BTCPay). The refund command enqueues it
// in the refund's own transaction (so it exists exactly when the refund committed); the handler lives in
// processor-refund.jobs.ts. The payload carries ids only: the handler re-reads the refund.
import { z } from 'zod';
import type { Payment } from '../../generated/prisma/index.js';
import { isProcessorMethod } from './connections/provider-definitions.js';

export const PROCESSOR_REFUND_TASK = 'payment.refund.send';

export const processorRefundPayload = z.object({ tenantId: z.string().min(1), refundId: z.string().min(1) });
export type ProcessorRefundPayload = z.infer<typeof processorRefundPayload>;

/** Audit actions the job writes on the order (entityType "Order"); `after.refundId` names the refund. */
export const PROCESSOR_REFUND_AUDIT = {
  sent: 'payment.refund_sent',
  failed: 'payment.refund_failed',
} as const;

/**
 * How a refund's money goes back: 'processor' when the payment came in through a provider checkout
 * (a processor-backed method and the provider's payment reference recorded), so the payment.refund.send job returns it;
 * 'manual' otherwise (P2P methods, or no settled payment): the admin returns the money by hand.
 */
export type MoneyReturn = 'processor' | 'manual';

export function moneyReturnFor(payment: Pick<Payment, 'method' | 'providerReference'> | null): MoneyReturn {
  return payment?.providerReference && isProcessorMethod(payment.method) ? 'processor' : 'manual';
}
