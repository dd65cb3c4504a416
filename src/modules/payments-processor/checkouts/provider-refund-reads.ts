// Refunds made at the provider whose webhook never came (lost, or the endpoint was down past the provider's
// retries): read from the provider just before Ledgerline computes a refund of the order, and recorded as the
// webhook would have recorded them (outside-refund.ts). Without it the order stayed PAID and the refund we
// then computed asked the provider for money it had already returned (docs/decisions/processor-refunds.md).
// Bounded: only the order's PAID PayPal/Square checkouts (at most MAX_CHECKOUTS), at most MAX_REFUNDS refunds
// each; a provider that fails or is slow costs the refund at most its timeout, and is logged, not raised: the
// refund goes on as before, and the refund job still takes "already fully refunded" as returned. The refund
// sweep (refund-sweep.ts) reads recently paid checkouts through the same learnCheckout, for orders nobody
// refunds again. A FAILED refund is read too: one of ours that the provider took and failed later, its webhook
// lost, is recorded as not returned as the webhook would have (provider-refund-failed.ts); before, only COMPLETED
// ones were, and such a refund stayed "sent through the payment processor" with nobody told.
import type { DeletedOrderCheckout, PaymentCheckout } from '../../../generated/prisma/index.js';
import { withTransaction } from '../../../platform/db/prisma.js';
import type { AfterSaleDeps } from '../../orders/index.js';
import { lockOrder } from '../../orders/index.js';
import { systemActor, type TenantContext } from '../../shared/actor.js';
import type { ConnectionService } from '../connections/connection.service.js';
import type { ProviderRefundRecord } from '../providers/provider.port.js';
import { recordDeletedOrderRefundEvent } from './deleted-order-money.js';
import { handleRefundMadeAtProvider } from './outside-refund.js';
import { providerRefundFailed } from './provider-refund-failed.js';
// The audit entry a provider refund's webhook writes; a read that finds one has nothing to add.
import { PROVIDER_REFUND_AUDIT } from './refund-failed-later.js';

const MAX_CHECKOUTS = 3;
const MAX_REFUNDS = 20;

export interface ProviderRefundReader {
  /**
   * Reads the provider's refunds of the order's processor payment and records, each in its own transaction under
   * the order's row lock, the completed ones no refund of ours explains and the failed ones not yet recorded as
   * failed (provider-refund-failed.ts: a refund of ours not returned, or unapplied money flagged). Returns how many
   * it recorded or announced. Never throws for the provider: a failed read is logged and skipped.
   */
  learn(ctx: TenantContext, orderId: string): Promise<number>;
  /**
   * The same for one PAID PayPal/Square checkout (the refund sweep, refund-sweep.ts), read with the checkout's
   * own connection. `failed`: the provider could not be read (logged); nothing was recorded.
   */
  learnCheckout(checkout: PaymentCheckout): Promise<{ recorded: number; failed: boolean }>;
  /**
   * The same for a deleted order's late money sent back through PayPal or Square (kept row REFUND_SENT, the refund
   * sweep): a FAILED refund not yet recorded goes through the refund webhook's rule for a deleted order
   * (recordDeletedOrderRefundEvent: on its audit trail, and our refund of it FLAGGED with the admins told).
   */
  learnDeletedOrderCheckout(kept: DeletedOrderCheckout): Promise<{ recorded: number; failed: boolean }>;
}

export function createProviderRefundReader(deps: AfterSaleDeps & { connections: ConnectionService }): ProviderRefundReader {
  const { db, connections, logger } = deps;
  /** Reads one checkout's refunds at the provider and records the ones nothing explains; see ProviderRefundReader. */
  async function learnCheckout(checkout: PaymentCheckout): Promise<{ recorded: number; failed: boolean }> {
    if (checkout.state !== 'PAID' || !checkout.paymentReference || (checkout.provider !== 'PAYPAL' && checkout.provider !== 'SQUARE')) {
      return { recorded: 0, failed: false };
    }
    const refunds = await readRefunds({ ...checkout, paymentReference: checkout.paymentReference });
    if (!refunds) return { recorded: 0, failed: true };
    let learnt = 0;
    for (const refund of refunds) {
      // COMPLETED: perhaps made in the dashboard; FAILED: perhaps one of ours that the provider took and failed later.
      if (refund.state === 'PENDING' || refund.paymentReference !== checkout.paymentReference) continue;
      const done = await withTransaction(db, async (tx) => {
        // The order's row first, as the webhook takes it: a webhook of the same refund runs wholly before or after.
        const order = await lockOrder(tx, checkout.tenantId, checkout.orderId);
        const seen = await tx.auditLog.count({
          where: {
            tenantId: checkout.tenantId,
            entityType: 'Order',
            entityId: checkout.orderId,
            action: PROVIDER_REFUND_AUDIT,
            // In this state: Square's refund.created (PENDING) may have come and its refund.updated been lost.
            AND: [
              { after: { path: ['providerRefundId'], equals: refund.providerRefundId } },
              { after: { path: ['state'], equals: refund.state } },
            ],
          },
        });
        if (seen > 0) return false;
        const readCtx = { tenantId: checkout.tenantId, actor: { ...systemActor, label: `${checkout.provider} refunds read` } };
        const type = 'read from the provider (no webhook received)';
        await deps.audit.record(tx, readCtx, {
          action: PROVIDER_REFUND_AUDIT,
          entityType: 'Order',
          entityId: checkout.orderId,
          after: {
            checkoutId: checkout.id,
            providerRefundId: refund.providerRefundId,
            state: refund.state,
            amountCents: refund.amountCents,
            type,
          },
        });
        if (refund.state === 'FAILED') {
          // Its FAILED webhook lost: a refund of ours recorded as sent that never returned the money.
          return providerRefundFailed(tx, deps, readCtx, checkout, {
            ...refund,
            currency: order.currency,
            source: 'its refunds read: webhook lost',
          });
        }
        const outcome = await handleRefundMadeAtProvider(tx, deps, readCtx, checkout, refund);
        return outcome === 'recorded' || outcome === 'announced';
      });
      if (done) learnt += 1;
    }
    return { recorded: learnt, failed: false };
  }

  /** The refunds of a payment at its provider, or null (logged) when the provider could not be read. */
  async function readRefunds(
    c: Pick<PaymentCheckout, 'tenantId' | 'orderId' | 'id' | 'connectionId' | 'providerCheckoutId'> & { paymentReference: string },
  ): Promise<ProviderRefundRecord[] | null> {
    try {
      const loaded = await connections.load({ id: c.connectionId });
      if (!loaded.adapter.refundsOfPayment) return [];
      return await loaded.adapter.refundsOfPayment(loaded.conn, {
        paymentReference: c.paymentReference,
        providerCheckoutId: c.providerCheckoutId ?? c.paymentReference,
        limit: MAX_REFUNDS,
      });
    } catch (err) {
      logger.warn({ err, tenantId: c.tenantId, orderId: c.orderId, checkoutId: c.id }, 'could not read the refunds made at the provider');
      return null;
    }
  }

  async function learnDeletedOrderCheckout(kept: DeletedOrderCheckout): Promise<{ recorded: number; failed: boolean }> {
    if (kept.lateMoneyAction !== 'REFUND_SENT' || !kept.paymentReference || (kept.provider !== 'PAYPAL' && kept.provider !== 'SQUARE')) {
      return { recorded: 0, failed: false };
    }
    const refunds = await readRefunds({ ...kept, paymentReference: kept.paymentReference });
    if (!refunds) return { recorded: 0, failed: true };
    let learnt = 0;
    for (const refund of refunds) {
      // Only a failure matters here: a completed refund of a deleted order's money changes nothing.
      if (refund.state !== 'FAILED' || refund.reversal || refund.paymentReference !== kept.paymentReference) continue;
      const done = await withTransaction(db, async (tx) => {
        // The kept row's lock first, as the refund webhook and the refund job take it: either runs wholly before or after.
        await tx.$queryRaw`SELECT id FROM deleted_order_checkouts WHERE id = ${kept.id} FOR UPDATE`;
        const seen = await tx.auditLog.count({
          where: {
            tenantId: kept.tenantId,
            entityType: 'Order',
            entityId: kept.orderId,
            action: PROVIDER_REFUND_AUDIT,
            AND: [
              { after: { path: ['providerRefundId'], equals: refund.providerRefundId } },
              { after: { path: ['state'], equals: 'FAILED' } },
            ],
          },
        });
        if (seen > 0) return false;
        await recordDeletedOrderRefundEvent(tx, deps, kept.id, refund, 'read from the provider (no webhook received)');
        return true;
      });
      if (done) learnt += 1;
    }
    return { recorded: learnt, failed: false };
  }

  return {
    async learn(ctx, orderId) {
      const checkouts = await db.paymentCheckout.findMany({
        where: { tenantId: ctx.tenantId, orderId, state: 'PAID', provider: { in: ['PAYPAL', 'SQUARE'] }, paymentReference: { not: null } },
        orderBy: { createdAt: 'desc' },
        take: MAX_CHECKOUTS,
      });
      let learnt = 0;
      for (const checkout of checkouts) learnt += (await learnCheckout(checkout)).recorded;
      return learnt;
    },
    learnCheckout,
    learnDeletedOrderCheckout,
  };
}
