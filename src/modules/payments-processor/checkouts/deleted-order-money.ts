// Money that reaches the shop's provider account for an order that was deleted. A delete takes the order's
// payment_checkouts rows with it, but a closed checkout can still take money (late-money.ts: a BTCPay invoice
// watched after expiry or marked settled by hand, a Square charge that raced the close, a PayPal eCheck
// clearing). The ones that can are kept in deleted_order_checkouts (keepForLateMoney, in the delete's
// transaction); a webhook or the reconciliation that reports money on one lands here, never on an order:
// - PayPal and Square: the money is refunded through the provider (the job below; the same idempotency key
//   as the ledger's refund of unapplied money), and the admins are told it arrived and went back;
// - BTCPay: a refund is a claim the customer makes with their own Bitcoin address, sent by DM for an order;
//   with the order gone it is flagged for the admins to return by hand, in the admin channel.
// The customer the delete's snapshot names is told either way: that it is being returned (PayPal, Square), or, when
// it is flagged (BTCPay, or a refund the provider refused or failed), that the shop will return it by hand.
// Either way it is on the deleted order's audit trail (entity Order, the deleted order's id: the panel's
// Audit log, beside "order.deleted"), with the same actions as checkout-ledger.ts' unapplied money, and on
// the kept row (`lateMoneyAction`). Recorded once: under the row's lock, PAID is final. FLAGGED money stays on the
// panel's dashboard ("Money to return") until a shop admin marks it RETURNED_BY_HAND (markDeletedOrderMoneyReturned).
// Decision: docs/decisions/deleted-order-late-money.md.
import type { DeletedOrderCheckout } from '../../../generated/prisma/index.js';
import { withTransaction, type Db, type Tx } from '../../../platform/db/prisma.js';
import { AppError } from '../../../platform/errors.js';
import { enqueueJob } from '../../../platform/jobs/queue.js';
import { formatMoney } from '../../../platform/money.js';
import type { AfterSaleDeps } from '../../orders/index.js';
import { systemActor, type TenantContext } from '../../shared/actor.js';
import type { AuditService } from '../../audit/audit.service.js';
import { EVENTS, type LateMoneyReturningPayload, type PaymentUnappliedPayload } from '../../shared/events.js';
import type { ConnectionService } from '../connections/connection.service.js';
import { ProviderRejectedError, type ProviderCheckoutState, type ProviderWebhookEvent } from '../providers/provider.port.js';
import { UNAPPLIED_AUDIT, unappliedRefundKey, type ApplyOptions, type ApplyOutcome } from './checkout-ledger.js';
import { announceLateMoneyFlagged, announceLateMoneyReturning } from './late-money-notice.js';
import { failureReportedByProvider, refundFailedError } from './refund-failed-later.js';
import { recordWebhookEvent } from './webhook-event-record.js';
import { isOurOrderId } from './webhook-ownership.js';

export const DELETED_ORDER_REFUND_TASK = 'payment.deleted_order.refund_late_money';
/** An admin returned the flagged money by hand (lateMoneyAction after FLAGGED; the dashboard's to-do no longer lists it). */
export const RETURNED_BY_HAND = 'RETURNED_BY_HAND';
export const RETURNED_BY_HAND_AUDIT = 'payment.unapplied_returned_by_hand';

/** Why the money cannot pay anything (the admins and the audit trail read it). */
const reasonFor = (kept: DeletedOrderCheckout) => `order #${kept.orderNumber} was deleted before this payment arrived`;

/** BTCPay sends money back only to an address the customer gives (a claim), and the order that reached them is gone. */
const btcPayByHand = (kept: DeletedOrderCheckout) =>
  `BTCPay cannot send it back without the customer's Bitcoin address: ask the customer for one and pay it from the store's wallet (BTCPay invoice ${kept.providerCheckoutId}).`;

/**
 * The deleted order's checkout a provider event is about, on this connection only (a webhook on one shop's
 * connection never reaches another's): by the provider's id; else, for a Square charge whose checkout was
 * never bound (still named by our own id), the one kept of the order the event names (reference_id), bound now
 * (only one such, or only one for exactly the amount paid).
 */
export async function deletedOrderCheckoutFor(
  db: Db,
  connectionId: string,
  state: Pick<ProviderCheckoutState, 'providerCheckoutId' | 'orderId' | 'paidAmountCents'>,
): Promise<DeletedOrderCheckout | null> {
  const byProviderId = () => db.deletedOrderCheckout.findFirst({ where: { connectionId, providerCheckoutId: state.providerCheckoutId } });
  const held = await byProviderId();
  if (held || !isOurOrderId(state.orderId)) return held;
  const unbound = (
    await db.deletedOrderCheckout.findMany({ where: { connectionId, orderId: state.orderId, provider: 'SQUARE', state: { not: 'PAID' } } })
  ).filter((c) => c.providerCheckoutId === c.id);
  const candidates = unbound.length === 1 ? unbound : unbound.filter((c) => c.amountCents === state.paidAmountCents);
  if (candidates.length !== 1) return null;
  await db.deletedOrderCheckout.updateMany({
    where: { id: candidates[0]!.id, providerCheckoutId: candidates[0]!.id },
    data: { providerCheckoutId: state.providerCheckoutId },
  });
  return byProviderId();
}

/**
 * What the provider says about a deleted order's checkout: money (PAID) is recorded once, then refunded
 * (PayPal, Square) or flagged (BTCPay); anything else only updates the provider's status (never captured: a
 * PayPal order approved for a deleted order is left to lapse). 'unapplied' when money was recorded now.
 */
export async function applyToDeletedOrderCheckout(
  deps: AfterSaleDeps,
  id: string,
  state: ProviderCheckoutState,
  opts: ApplyOptions,
): Promise<ApplyOutcome> {
  return withTransaction(deps.db, async (tx) => {
    // A webhook and the reconciliation reporting the same money record it once.
    await tx.$queryRaw`SELECT id FROM deleted_order_checkouts WHERE id = ${id} FOR UPDATE`;
    const kept = await tx.deletedOrderCheckout.findUniqueOrThrow({ where: { id } });
    if (opts.webhookEvent) {
      await recordWebhookEvent(tx, { ...opts.webhookEvent, checkoutId: kept.id, outcome: 'applied' });
    }
    if (kept.state === 'PAID') return 'already_paid';
    if (state.state !== 'PAID') {
      await tx.deletedOrderCheckout.update({ where: { id }, data: { providerStatus: state.providerStatus.slice(0, 200) } });
      return 'updated';
    }
    const byHand = kept.provider === 'BTCPAY';
    const paid = await tx.deletedOrderCheckout.update({
      where: { id },
      data: {
        state: 'PAID',
        paidAmountCents: state.paidAmountCents ?? 0,
        paymentReference: state.paymentReference ?? null,
        providerStatus: state.providerStatus.slice(0, 200),
        lateMoneyAction: byHand ? 'FLAGGED' : 'REFUND_PENDING',
      },
    });
    await recordArrival(tx, deps, paid, opts.source, byHand);
    return 'unapplied';
  });
}

/** The admin-channel alert about a deleted order's money (the same event as the ledger's unapplied money). */
const unappliedAlert = (
  kept: DeletedOrderCheckout,
  action: PaymentUnappliedPayload['action'],
  error?: string,
): PaymentUnappliedPayload => ({
  tenantId: kept.tenantId,
  orderId: kept.orderId,
  checkoutId: kept.id,
  amountCents: kept.paidAmountCents ?? 0,
  currency: kept.currency.trim(),
  reason: reasonFor(kept),
  action,
  ...(error ? { error } : {}),
});

/**
 * The provider did not send a deleted order's money back (refused, failed later): on the deleted order's audit
 * trail and in the admin channel, for an admin to return by hand. The caller has made the row FLAGGED.
 */
async function announceFlagged(
  tx: Tx,
  deps: Pick<AfterSaleDeps, 'audit' | 'bus'>,
  ctx: TenantContext,
  kept: DeletedOrderCheckout,
  error: string,
  jobKey: string,
): Promise<void> {
  const amountCents = kept.paidAmountCents ?? 0;
  await deps.audit.record(tx, ctx, {
    action: UNAPPLIED_AUDIT.flagged,
    entityType: 'Order',
    entityId: kept.orderId,
    after: {
      checkoutId: kept.id,
      amountCents,
      error,
      orderDeleted: true,
      action: `The provider did not refund ${formatMoney(amountCents, kept.currency.trim())}: return it to the customer another way.`,
    },
  });
  await deps.bus.emit(tx, EVENTS.paymentUnapplied, unappliedAlert(kept, 'FLAGGED', error), { jobKey });
  await announceLateMoneyFlagged(tx, deps.bus, customerNotice(kept));
}

/** The customer's DMs about a deleted order's money (the job reads who paid from the delete's snapshot). */
const customerNotice = (kept: DeletedOrderCheckout): LateMoneyReturningPayload => ({
  tenantId: kept.tenantId,
  orderId: kept.orderId,
  checkoutId: kept.id,
  orderNumber: kept.orderNumber,
  method: kept.method,
  amountCents: kept.paidAmountCents ?? 0,
  currency: kept.currency.trim(),
  cause: 'deleted',
});

const contextOf = (kept: DeletedOrderCheckout, label: string): TenantContext => ({
  tenantId: kept.tenantId,
  actor: { ...systemActor, label: `${kept.provider} ${label}` },
});

async function recordArrival(tx: Tx, deps: AfterSaleDeps, kept: DeletedOrderCheckout, source: string, byHand: boolean): Promise<void> {
  const amountCents = kept.paidAmountCents ?? 0;
  const reason = reasonFor(kept);
  await deps.audit.record(tx, contextOf(kept, source), {
    action: byHand ? UNAPPLIED_AUDIT.flagged : UNAPPLIED_AUDIT.recorded,
    entityType: 'Order',
    entityId: kept.orderId,
    after: {
      checkoutId: kept.id,
      provider: kept.provider,
      providerCheckoutId: kept.providerCheckoutId,
      paymentReference: kept.paymentReference,
      amountCents,
      reason,
      source,
      orderDeleted: true,
      action: byHand
        ? `The provider did not refund ${formatMoney(amountCents, kept.currency.trim())}: return it to the customer another way. ${btcPayByHand(kept)}`
        : 'refunding through the provider',
    },
  });
  const alert = byHand ? unappliedAlert(kept, 'FLAGGED', btcPayByHand(kept)) : unappliedAlert(kept, 'REFUNDING');
  await deps.bus.emit(tx, EVENTS.paymentUnapplied, alert, { jobKey: `unapplied:${kept.id}` });
  // The customer who paid (whoever the delete's snapshot names: the job reads it) is told it is coming back, or for
  // BTCPay (no claim without an order to send it for) that the shop will return it by hand.
  if (byHand) await announceLateMoneyFlagged(tx, deps.bus, customerNotice(kept));
  else await announceLateMoneyReturning(tx, deps.bus, kept.provider, customerNotice(kept));
  if (!byHand) {
    await enqueueJob(
      tx,
      DELETED_ORDER_REFUND_TASK,
      { tenantId: kept.tenantId, checkoutId: kept.id },
      { jobKey: `deleted-order-refund:${kept.id}` },
    );
  }
  deps.logger.warn(
    { tenantId: kept.tenantId, orderId: kept.orderId, checkoutId: kept.id, amountCents, provider: kept.provider },
    byHand ? 'payment arrived for a deleted order; flagged for the admins' : 'payment arrived for a deleted order; refunding it',
  );
}

/**
 * The job: the money of a deleted order's checkout sent back through its provider (PayPal, Square), in full,
 * with the ledger's idempotency key (a retried job never pays twice). Refused by the provider, or still failing
 * at the last attempt: FLAGGED, and the admins are told to return it by hand.
 */
export async function refundDeletedOrderMoney(
  deps: AfterSaleDeps & { connections: ConnectionService },
  id: string,
  job: { attempt: number; maxAttempts: number },
): Promise<void> {
  const kept = await deps.db.deletedOrderCheckout.findUnique({ where: { id } });
  if (!kept || kept.lateMoneyAction !== 'REFUND_PENDING' || !kept.paymentReference) return;
  const amountCents = kept.paidAmountCents ?? 0;
  const ctx = contextOf(kept, 'refund of a payment for a deleted order');
  try {
    const loaded = await deps.connections.load({ id: kept.connectionId });
    const refund = await loaded.adapter.refund(loaded.conn, {
      paymentReference: kept.paymentReference,
      providerCheckoutId: kept.providerCheckoutId,
      amountCents,
      currency: kept.currency.trim(),
      full: true,
      idempotencyKey: unappliedRefundKey(kept.id),
      reason: `Payment could not be applied: ${reasonFor(kept)}`,
    });
    await withTransaction(deps.db, async (tx) => {
      // The row's lock first, as the refund event takes it: a FAILED event that beat this transaction is seen below.
      await tx.$queryRaw`SELECT id FROM deleted_order_checkouts WHERE id = ${id} FOR UPDATE`;
      const { count } = await tx.deletedOrderCheckout.updateMany({
        where: { id, lateMoneyAction: 'REFUND_PENDING' },
        data: { lateMoneyAction: 'REFUND_SENT' },
      });
      if (!count) return;
      await deps.audit.record(tx, ctx, {
        action: UNAPPLIED_AUDIT.refunded,
        entityType: 'Order',
        entityId: kept.orderId,
        after: { checkoutId: kept.id, amountCents, providerRefundId: refund.providerRefundId, providerStatus: refund.providerStatus },
      });
      await deps.bus.emit(tx, EVENTS.paymentUnapplied, unappliedAlert(kept, 'REFUNDED'), { jobKey: `unapplied-done:${kept.id}` });
      const failed = await failureReportedByProvider(tx, kept, refund.providerRefundId);
      if (failed) {
        const sent = await tx.deletedOrderCheckout.findUniqueOrThrow({ where: { id } });
        await flagIfRefundFailed(tx, deps, ctx, sent, refund.providerRefundId, failed.type);
      }
    });
  } catch (err) {
    const permanent = err instanceof ProviderRejectedError;
    if (!permanent && job.attempt < job.maxAttempts) throw err;
    const error = err instanceof Error ? err.message : String(err);
    await withTransaction(deps.db, async (tx) => {
      const { count } = await tx.deletedOrderCheckout.updateMany({
        where: { id, lateMoneyAction: 'REFUND_PENDING' },
        data: { lateMoneyAction: 'FLAGGED' },
      });
      if (count) await announceFlagged(tx, deps, ctx, kept, error, `unapplied-flagged:${kept.id}`);
    });
    if (!permanent) throw err;
  }
}

/**
 * A provider's refund event about a deleted order's checkout (Square refund.updated, PayPal refund webhooks), in
 * the webhook's transaction: on the deleted order's audit trail; and when it says our refund of its late money
 * (the job's providerRefundId) FAILED after the provider took it, the money did not go back: FLAGGED under the
 * row's lock and the admins told to return it by hand, as for a refund the provider refused at once.
 */
export async function recordDeletedOrderRefundEvent(
  tx: Tx,
  deps: Pick<AfterSaleDeps, 'audit' | 'bus' | 'logger'>,
  id: string,
  refund: NonNullable<ProviderWebhookEvent['refund']>,
  eventType: string,
): Promise<void> {
  await tx.$queryRaw`SELECT id FROM deleted_order_checkouts WHERE id = ${id} FOR UPDATE`;
  const kept = await tx.deletedOrderCheckout.findUniqueOrThrow({ where: { id } });
  const ctx = contextOf(kept, 'webhook');
  await deps.audit.record(tx, ctx, {
    action: refund.reversal ? 'payment.reversed_by_provider' : 'payment.provider_refund',
    entityType: 'Order',
    entityId: kept.orderId,
    after: {
      checkoutId: kept.id,
      providerRefundId: refund.providerRefundId,
      state: refund.state,
      amountCents: refund.amountCents,
      type: eventType,
      orderDeleted: true,
    },
  });
  if (refund.state !== 'FAILED' || refund.reversal) return;
  // Not recorded as sent yet (the job's transaction commits after this event): the job finds this event then.
  await flagIfRefundFailed(tx, deps, ctx, kept, refund.providerRefundId, eventType);
}

/**
 * The provider failed our refund of a deleted order's late money: FLAGGED and the admins told, once the refund
 * is recorded as sent (REFUND_SENT, its `payment.unapplied_refunded` naming this provider refund id). Called
 * under the kept row's lock by the refund event and by the job recording the refund, whichever commits second
 * (refund-failed-later.ts); FLAGGED already, nothing more.
 */
async function flagIfRefundFailed(
  tx: Tx,
  deps: Pick<AfterSaleDeps, 'audit' | 'bus' | 'logger'>,
  ctx: TenantContext,
  kept: DeletedOrderCheckout,
  providerRefundId: string,
  eventType: string,
): Promise<void> {
  if (kept.lateMoneyAction !== 'REFUND_SENT') return;
  const ours = await tx.auditLog.findFirst({
    where: {
      tenantId: kept.tenantId,
      entityType: 'Order',
      entityId: kept.orderId,
      action: UNAPPLIED_AUDIT.refunded,
      after: { path: ['providerRefundId'], equals: providerRefundId },
    },
  });
  if (!ours) return;
  const error = refundFailedError(kept.provider, providerRefundId, eventType);
  await tx.deletedOrderCheckout.update({ where: { id: kept.id }, data: { lateMoneyAction: 'FLAGGED' } });
  await announceFlagged(tx, deps, ctx, kept, error, `unapplied-refund-failed:${kept.id}`);
  deps.logger.warn(
    { tenantId: kept.tenantId, orderId: kept.orderId, checkoutId: kept.id, providerRefundId },
    'the refund of a payment for a deleted order failed at the provider; flagged for the admins',
  );
}

/**
 * An admin of the shop says the FLAGGED money of a deleted order's checkout went back to the customer by hand:
 * under the row's lock it becomes RETURNED_BY_HAND, on the deleted order's audit trail with the admin as actor.
 * NOT_FOUND for another shop's row; ILLEGAL_STATE when it is not (or no longer) money to return.
 */
export async function markDeletedOrderMoneyReturned(
  deps: { db: Db; audit: AuditService },
  ctx: TenantContext,
  id: string,
): Promise<DeletedOrderCheckout> {
  return withTransaction(deps.db, async (tx) => {
    const [locked] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM deleted_order_checkouts WHERE id = ${id} AND "tenantId" = ${ctx.tenantId} FOR UPDATE`;
    if (!locked) throw new AppError('NOT_FOUND', "This payment for a deleted order is not one of your shop's.");
    const kept = await tx.deletedOrderCheckout.findUniqueOrThrow({ where: { id } });
    if (kept.lateMoneyAction === RETURNED_BY_HAND) {
      throw new AppError('ILLEGAL_STATE', 'This payment is already marked as returned by hand: nothing was changed.');
    }
    if (kept.lateMoneyAction !== 'FLAGGED') {
      throw new AppError(
        'ILLEGAL_STATE',
        'Only money the provider did not send back can be marked as returned by hand; this payment has none to return.',
      );
    }
    const returned = await tx.deletedOrderCheckout.update({ where: { id }, data: { lateMoneyAction: RETURNED_BY_HAND } });
    const amountCents = kept.paidAmountCents ?? 0;
    await deps.audit.record(tx, ctx, {
      action: RETURNED_BY_HAND_AUDIT,
      entityType: 'Order',
      entityId: kept.orderId,
      before: { lateMoneyAction: 'FLAGGED' },
      after: {
        lateMoneyAction: RETURNED_BY_HAND,
        checkoutId: kept.id,
        provider: kept.provider,
        providerCheckoutId: kept.providerCheckoutId,
        paymentReference: kept.paymentReference,
        amountCents,
        orderDeleted: true,
        action: `${formatMoney(amountCents, kept.currency.trim())} returned to the customer by hand`,
      },
    });
    return returned;
  });
}
