// What the order page must put in front of the admin about processor money: payments that arrived but could
// not pay the order (payment_checkouts.unappliedAction: stale checkout, underpaid, overpaid, paid after a
// cancel or twice) with where their refund stands, and payments the provider took back (PayPal
// PAYMENT.CAPTURE.REVERSED: a chargeback), newest first.
import type { Db } from '../../../platform/db/prisma.js';

export type FlaggedPaymentKind = 'REFUND_PENDING' | 'REFUND_SENT' | 'CLAIM_SENT' | 'FLAGGED' | 'REVERSED';

export interface FlaggedPayment {
  kind: FlaggedPaymentKind;
  provider: string;
  amountCents: number;
  currency: string;
  /** Why the money could not pay the order (the ledger's words), or the provider's event for a reversal. */
  reason: string;
  /** The provider's payment id (PayPal capture, Square payment, BTCPay invoice), for looking it up there. */
  paymentReference: string | null;
  at: Date;
}

const KINDS = new Set<string>(['REFUND_PENDING', 'REFUND_SENT', 'CLAIM_SENT', 'FLAGGED']);

export async function flaggedPayments(db: Db, tenantId: string, orderId: string): Promise<FlaggedPayment[]> {
  const [checkouts, reversals] = await Promise.all([
    db.paymentCheckout.findMany({
      where: { tenantId, orderId },
      select: {
        id: true,
        provider: true,
        paidAmountCents: true,
        amountCents: true,
        currency: true,
        unappliedAction: true,
        unappliedReason: true,
        paymentReference: true,
        updatedAt: true,
      },
    }),
    db.auditLog.findMany({
      where: { tenantId, entityType: 'Order', entityId: orderId, action: 'payment.reversed_by_provider' },
      select: { after: true, createdAt: true },
    }),
  ]);
  const byId = new Map(checkouts.map((c) => [c.id, c]));
  const flagged: FlaggedPayment[] = [
    ...checkouts
      .filter((c) => c.unappliedAction !== null)
      .map((c) => ({
        kind: (KINDS.has(c.unappliedAction!) ? c.unappliedAction : 'FLAGGED') as FlaggedPaymentKind,
        provider: c.provider,
        amountCents: c.paidAmountCents ?? c.amountCents,
        currency: c.currency,
        reason: c.unappliedReason ?? 'the payment could not be applied to the order',
        paymentReference: c.paymentReference,
        at: c.updatedAt,
      })),
    ...reversals.map((r) => {
      const after = (r.after ?? {}) as { checkoutId?: string; amountCents?: number; type?: string };
      const checkout = after.checkoutId ? byId.get(after.checkoutId) : undefined;
      return {
        kind: 'REVERSED' as const,
        provider: checkout?.provider ?? 'PAYPAL',
        amountCents: after.amountCents ?? checkout?.paidAmountCents ?? 0,
        currency: checkout?.currency ?? 'USD',
        reason: after.type ?? 'the payment was reversed',
        paymentReference: checkout?.paymentReference ?? null,
        at: r.createdAt,
      };
    }),
  ];
  return flagged.sort((a, b) => b.at.getTime() - a.at.getTime());
}
