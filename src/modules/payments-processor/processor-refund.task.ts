// The job that sends a refund's money back through the shop's own processor connection (PayPal, Square, BTCPay). The refund command enqueues it
// in the refund's own transaction (so it exists exactly when the refund committed); the handler lives in
// processor-refund.jobs.ts. The payload carries ids only: the handler re-reads the refund.
import { z } from 'zod';
import type { Payment, PaymentMethod } from '../../generated/prisma/index.js';
import type { Tx } from '../../platform/db/prisma.js';
import { isProcessorMethod, type ProcessorMethod } from './connections/provider-definitions.js';

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

/** The by-hand counterpart of a processor method: how money the processor cannot return goes back. */
const MANUAL_COUNTERPART: Record<ProcessorMethod, PaymentMethod> = {
  PAYPAL: 'PAYPAL_MANUAL',
  CASHAPP_PAY: 'CASHAPP_P2P',
  BTC_INVOICE: 'BTC_MANUAL',
};

export interface MoneyReturnSplit {
  moneyReturn: MoneyReturn;
  /** Set when some or all of the refund goes back by hand: the method the admin sends it with. */
  manualReturnMethod: PaymentMethod | null;
  /** The part returned by hand when only a part is (null: all of it when manualReturnMethod is set, else none). */
  manualReturnCents: number | null;
}

/**
 * How a new refund of `amountCents` on `payment` goes back. The processor returns at most what the checkout
 * that took the payment captured, less what earlier refunds of the payment returned through it: an order
 * paid in part by hand (a receipt) and the rest online is refunded through the processor up to the online
 * part, and the remainder is the admin's by-hand to-do (`manualReturnCents`). Read inside the refund's
 * transaction, under the order's row lock, so two refunds see each other's share.
 */
export async function splitMoneyReturn(
  tx: Tx,
  payment: Payment | null,
  amountCents: number,
  orderMethod: PaymentMethod,
): Promise<MoneyReturnSplit> {
  if (moneyReturnFor(payment) === 'manual') {
    return { moneyReturn: 'manual', manualReturnMethod: payment?.method ?? orderMethod, manualReturnCents: null };
  }
  const paid = payment!;
  const checkout = await tx.paymentCheckout.findFirst({
    where: { orderId: paid.orderId, paymentReference: paid.providerReference!, state: 'PAID' },
    select: { paidAmountCents: true },
  });
  const captured = checkout?.paidAmountCents ?? paid.amountCents;
  const earlier = await tx.refund.findMany({
    where: { paymentId: paid.id },
    select: { amountCents: true, manualReturnMethod: true, manualReturnCents: true },
  });
  const throughProcessor = earlier.reduce((sum, r) => sum + processorCentsOf(r), 0);
  const processorCents = Math.min(amountCents, Math.max(0, captured - throughProcessor));
  const byHand = MANUAL_COUNTERPART[paid.method as ProcessorMethod];
  if (processorCents === 0) return { moneyReturn: 'manual', manualReturnMethod: byHand, manualReturnCents: null };
  if (processorCents === amountCents) return { moneyReturn: 'processor', manualReturnMethod: null, manualReturnCents: null };
  return { moneyReturn: 'processor', manualReturnMethod: byHand, manualReturnCents: amountCents - processorCents };
}

/** What the processor sends back of a refund: all of it, less the part returned by hand. */
export function processorCentsOf(refund: {
  amountCents: number;
  manualReturnMethod: PaymentMethod | null;
  manualReturnCents: number | null;
}): number {
  if (!refund.manualReturnMethod) return refund.amountCents;
  return refund.amountCents - (refund.manualReturnCents ?? refund.amountCents);
}
