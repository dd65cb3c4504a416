// A BTCPay refund is a pull payment: the money leaves only once the customer claims it with their address
// (a payout) and, for our Custom refunds in the invoice's fiat, once the shop approves that payout in BTCPay
// (GreenfieldInvoiceController.RefundInvoice: autoApproveClaims only when the refund is in the crypto paid),
// and then pays it. BTCPay's payout webhooks (PayoutCreated, PayoutApproved, PayoutUpdated; the adapter reads
// the payout back) are followed here: each new state of a claim on one of our refunds is written on the
// order's audit trail (payment.refund_claim) and, when someone must act or it ended, told to the admins
// (refund.claim_state). The order page shows the latest state (refund-claims.query.ts).
import type { Db } from '../../../platform/db/prisma.js';
import { withTransaction } from '../../../platform/db/prisma.js';
import type { AfterSaleDeps } from '../../orders/index.js';
import { systemActor } from '../../shared/actor.js';
import { EVENTS, type RefundClaimStatePayload } from '../../shared/events.js';
import { PROCESSOR_REFUND_AUDIT } from '../processor-refund.task.js';
import type { RefundPayout } from '../providers/provider.port.js';
import { UNAPPLIED_AUDIT } from './checkout-ledger.js';
import { recordWebhookEvent } from './webhook-event-record.js';

export const REFUND_CLAIM_AUDIT = 'payment.refund_claim';

/** Claim states the admins hear about: they must approve or pay it, it reached the customer, or it was cancelled. */
const TOLD: ReadonlySet<string> = new Set(['AwaitingApproval', 'AwaitingPayment', 'Completed', 'Cancelled']);

export interface WebhookRecord {
  provider: 'PAYPAL' | 'SQUARE' | 'BTCPAY';
  eventId: string;
  connectionId: string;
  type: string;
}

/** The refund (or unapplied money's refund) whose pull payment this is, from the audit entry that sent it. */
async function refundOfPullPayment(db: Db, tenantId: string, pullPaymentId: string) {
  const sent = await db.auditLog.findFirst({
    where: {
      tenantId,
      entityType: 'Order',
      action: { in: [PROCESSOR_REFUND_AUDIT.sent, UNAPPLIED_AUDIT.refunded] },
      after: { path: ['providerRefundId'], equals: pullPaymentId },
    },
    orderBy: { createdAt: 'asc' },
  });
  if (!sent?.entityId) return null;
  const after = (sent.after ?? {}) as { refundId?: string; checkoutId?: string; amountCents?: number; currency?: string };
  const refundId = after.refundId ?? after.checkoutId;
  if (!refundId) return null;
  const order = await db.order.findFirst({ where: { id: sent.entityId, tenantId }, select: { id: true, currency: true } });
  if (!order) return null;
  return { orderId: order.id, refundId, amountCents: after.amountCents ?? 0, currency: after.currency ?? order.currency.trim() };
}

/**
 * Applies a payout webhook of a BTCPay connection. 'ignored' for a payout of a pull payment we did not make
 * (or one BTCPay no longer has); 'duplicate' for a delivery seen before; a claim state already recorded adds
 * nothing (PayoutApproved and PayoutUpdated can both read AwaitingPayment).
 */
export async function applyPayoutEvent(
  deps: Pick<AfterSaleDeps, 'db' | 'audit' | 'bus'>,
  tenantId: string,
  record: WebhookRecord,
  payout: RefundPayout | null,
): Promise<'recorded' | 'ignored' | 'duplicate'> {
  const ours = payout ? await refundOfPullPayment(deps.db, tenantId, payout.pullPaymentId) : null;
  try {
    return await withTransaction(deps.db, async (tx) => {
      await recordWebhookEvent(tx, { ...record, checkoutId: null, outcome: ours ? 'recorded' : 'ignored' });
      if (!ours || !payout) return 'ignored';
      const last = await tx.auditLog.findFirst({
        where: {
          tenantId,
          entityType: 'Order',
          entityId: ours.orderId,
          action: REFUND_CLAIM_AUDIT,
          after: { path: ['payoutId'], equals: payout.payoutId },
        },
        orderBy: { createdAt: 'desc' },
      });
      if ((last?.after as { state?: string } | null)?.state === payout.state) return 'recorded';
      const ctx = { tenantId, actor: { ...systemActor, label: `BTCPAY webhook ${record.type}` } };
      await deps.audit.record(tx, ctx, {
        action: REFUND_CLAIM_AUDIT,
        entityType: 'Order',
        entityId: ours.orderId,
        after: {
          refundId: ours.refundId,
          pullPaymentId: payout.pullPaymentId,
          payoutId: payout.payoutId,
          state: payout.state,
          adminUrl: payout.adminUrl,
        },
      });
      if (TOLD.has(payout.state)) {
        const alert: RefundClaimStatePayload = {
          tenantId,
          orderId: ours.orderId,
          refundId: ours.refundId,
          amountCents: ours.amountCents,
          currency: ours.currency,
          pullPaymentId: payout.pullPaymentId,
          payoutId: payout.payoutId,
          state: payout.state,
          adminUrl: payout.adminUrl,
        };
        await deps.bus.emit(tx, EVENTS.refundClaimState, alert, { jobKey: `refund-claim-state:${payout.payoutId}:${payout.state}` });
      }
      return 'recorded';
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'P2002') return 'duplicate';
    throw err;
  }
}
