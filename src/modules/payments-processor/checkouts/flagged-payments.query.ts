// What the order page must put in front of the admin about processor money: payments that arrived but could
// not pay the order (payment_checkouts.unappliedAction: stale checkout, underpaid, overpaid, paid after a
// cancel or twice) with where their refund stands, and payments the provider took back (PayPal
// PAYMENT.CAPTURE.REVERSED: a chargeback), and refunds sent as BTCPay claims until the customer has the money,
// newest first.
import type { Db } from '../../../platform/db/prisma.js';
import { refundClaims, type RefundClaimState } from './refund-claims.query.js';

export type FlaggedPaymentKind =
  | 'REFUND_PENDING'
  | 'REFUND_SENT'
  | 'CLAIM_SENT'
  | 'FLAGGED'
  | 'REVERSED'
  // A refund of the order sent as a BTCPay claim (refund-claims.query.ts), by where it stands.
  | `REFUND_CLAIM_${RefundClaimState}`;

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
  /** Where the admin acts on it at the provider (BTCPay's payouts page of a refund's pull payment). */
  link?: string | null;
}

const KINDS = new Set<string>(['REFUND_PENDING', 'REFUND_SENT', 'CLAIM_SENT', 'FLAGGED']);

export async function flaggedPayments(db: Db, tenantId: string, orderId: string): Promise<FlaggedPayment[]> {
  const [checkouts, reversals, claims] = await Promise.all([
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
    refundClaims(db, tenantId, orderId),
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
    ...claims.map((c) => ({
      kind: `REFUND_CLAIM_${c.state}` as const,
      provider: 'BTCPAY',
      amountCents: c.amountCents,
      currency: c.currency,
      reason: c.awaitsApproval ? 'each claim waits for your approval in BTCPay' : '',
      paymentReference: c.pullPaymentId,
      at: c.at,
      link: c.adminUrl,
    })),
  ];
  return flagged.sort((a, b) => b.at.getTime() - a.at.getTime());
}

/** Money of a deleted order that an admin must return by hand (deleted-order-money.ts: FLAGGED), for the dashboard. */
export interface DeletedOrderMoneyToReturn {
  /** The deleted_order_checkouts row (the panel's "Payments for deleted orders" record). */
  id: string;
  orderNumber: number;
  provider: string;
  amountCents: number;
  currency: string;
  /** BTCPay invoice, PayPal capture or Square payment id: where the money is at the provider. */
  providerCheckoutId: string;
  paymentReference: string | null;
  at: Date;
}

/**
 * A deleted order has no page, so its flagged money has no banner: the shop's deleted orders' payments still
 * to return by hand, oldest first (the longest-waiting customer first). Gone once marked RETURNED_BY_HAND.
 */
export async function deletedOrdersMoneyToReturn(db: Db, tenantId: string): Promise<DeletedOrderMoneyToReturn[]> {
  const rows = await db.deletedOrderCheckout.findMany({
    where: { tenantId, lateMoneyAction: 'FLAGGED' },
    orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }],
    select: {
      id: true,
      orderNumber: true,
      provider: true,
      paidAmountCents: true,
      amountCents: true,
      currency: true,
      providerCheckoutId: true,
      paymentReference: true,
      updatedAt: true,
    },
  });
  return rows.map((r) => ({
    id: r.id,
    orderNumber: r.orderNumber,
    provider: r.provider,
    amountCents: r.paidAmountCents ?? r.amountCents,
    currency: r.currency.trim(),
    providerCheckoutId: r.providerCheckoutId,
    paymentReference: r.paymentReference,
    at: r.updatedAt,
  }));
}
