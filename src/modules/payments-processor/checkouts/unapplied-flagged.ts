// Money that could not pay its order and that the provider did not return (it refused the refund, or took it and
// failed it later): the checkout is FLAGGED, the order's audit trail says so, the shop's admins are told to return it
// by hand and the customer that the shop will. Written by the unapplied-money refund (checkout.service.ts
// refundUnapplied) and by whoever learns that its refund failed later (provider-refund-failed.ts: a webhook, or a
// read of the provider's refunds).
import type { PaymentCheckout } from '../../../generated/prisma/index.js';
import type { Tx } from '../../../platform/db/prisma.js';
import { formatMoney } from '../../../platform/money.js';
import type { AfterSaleDeps } from '../../orders/index.js';
import type { TenantContext } from '../../shared/actor.js';
import { EVENTS, type PaymentUnappliedPayload } from '../../shared/events.js';
import { UNAPPLIED_AUDIT } from './checkout-ledger.js';
import { announceLateMoneyFlagged, keptLateMoneyCause } from './late-money-notice.js';

type Deps = Pick<AfterSaleDeps, 'audit' | 'bus'>;

/** FLAGS the checkout's unapplied money (see the file's head), in the caller's transaction. */
export async function flagUnapplied(tx: Tx, deps: Deps, c: PaymentCheckout, ctx: TenantContext, error: string): Promise<void> {
  const amountCents = c.paidAmountCents ?? 0;
  await tx.paymentCheckout.update({ where: { id: c.id }, data: { unappliedAction: 'FLAGGED' } });
  await deps.audit.record(tx, ctx, {
    action: UNAPPLIED_AUDIT.flagged,
    entityType: 'Order',
    entityId: c.orderId,
    after: {
      checkoutId: c.id,
      amountCents,
      error,
      action: `The provider did not refund ${formatMoney(amountCents, c.currency)}: return it to the customer another way.`,
    },
  });
  const alert: PaymentUnappliedPayload = {
    tenantId: c.tenantId,
    orderId: c.orderId,
    checkoutId: c.id,
    amountCents,
    currency: c.currency,
    reason: c.unappliedReason ?? '',
    action: 'FLAGGED',
    error,
  };
  await deps.bus.emit(tx, EVENTS.paymentUnapplied, alert, { jobKey: `unapplied-flagged:${c.id}` });
  // The customer who paid is told the shop will return it (they may have been told it comes back by itself).
  const order = await tx.order.findUniqueOrThrow({ where: { id: c.orderId } });
  await announceLateMoneyFlagged(tx, deps.bus, {
    tenantId: c.tenantId,
    orderId: c.orderId,
    checkoutId: c.id,
    customerId: order.customerId,
    orderNumber: order.number,
    method: c.method,
    amountCents,
    currency: c.currency.trim(),
    cause: await keptLateMoneyCause(tx, order, c),
  });
}

/**
 * A refund of a checkout's unapplied money (refundUnapplied) that the provider took and then failed: FLAGGED
 * once the refund is recorded as sent and its provider refund id is this one. Under the order's row lock (the
 * caller's), the checkout re-read: a second FAILED event, or the job and the webhook both finding the other,
 * flags it once. True when flagged now.
 */
export async function flagUnappliedRefundFailed(
  tx: Tx,
  deps: Deps,
  checkoutId: string,
  ctx: TenantContext,
  providerRefundId: string,
  error: string,
): Promise<boolean> {
  const c = await tx.paymentCheckout.findUniqueOrThrow({ where: { id: checkoutId } });
  if (c.unappliedAction !== 'REFUND_SENT') return false;
  const ours = await tx.auditLog.count({
    where: {
      tenantId: c.tenantId,
      entityType: 'Order',
      entityId: c.orderId,
      action: UNAPPLIED_AUDIT.refunded,
      after: { path: ['providerRefundId'], equals: providerRefundId },
    },
  });
  if (ours === 0) return false;
  await flagUnapplied(tx, deps, c, ctx, error);
  return true;
}
