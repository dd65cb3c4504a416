// payment.refund.send: returns a refund's money through the shop's own connection at the provider that took
// the payment (PayPal captures/{id}/refund, Square RefundPayment, BTCPay pull payment). Runs at least once,
// outside any transaction (never a network call while holding the order's row lock), and is safe to run twice:
// - it does nothing once the order's audit trail says this refund was sent or refused for good;
// - the provider call carries our refund id as its idempotency key (PayPal-Request-Id, Square
//   idempotency_key), so a retry after a lost answer gets the provider's first refund back, not a second one.
// 5xx, timeouts, network errors and auth failures throw: graphile-worker retries with exponential backoff (12
// attempts); the last failed attempt is recorded (`permanent: false`). A refusal (ProviderRejectedError, a
// 4xx such as REFUND_NOT_ALLOWED) is recorded (`permanent: true`) and not retried: the admin sees
// "payment.refund_failed" with the provider's reason on the order's audit trail and must return the money
// another way (the refund row itself stays: Ledgerline's books already show the order refunded).
// A payment already fully refunded at the provider (CAPTURE_FULLY_REFUNDED: refunded in the shop's PayPal
// dashboard) is no failure: recorded as sent with refundState ALREADY_REFUNDED, nothing to return by hand.
// Either failure also emits refund.processor_failed in the audit entry's transaction, so the shop's admins
// are told where they work (the Discord admin channel), not only in the audit trail and the log.
import { withTransaction, type Db } from '../../platform/db/prisma.js';
import type { EventBus, JobContext } from '../../platform/jobs/queue.js';
import type { Logger } from '../../platform/logger.js';
import type { AuditService } from '../audit/audit.service.js';
import { lockOrder } from '../orders/index.js';
import { systemActor } from '../shared/actor.js';
import {
  EVENTS,
  type RefundClaimLinkPayload,
  type RefundClaimStatePayload,
  type RefundFailedPayload,
  type RefundProcessorOutcomePayload,
} from '../shared/events.js';
import type { ConnectionService } from './connections/connection.service.js';
import { failureReportedByProvider, recordRefundFailedLater, refundFailedError } from './checkouts/refund-failed-later.js';
import { ProviderRejectedError } from './providers/provider.port.js';
import {
  moneyReturnFor,
  PROCESSOR_REFUND_AUDIT,
  PROCESSOR_REFUND_TASK,
  processorCentsOf,
  processorRefundPayload,
} from './processor-refund.task.js';

export interface ProcessorRefundJobDeps {
  db: Db;
  audit: AuditService;
  logger: Logger;
  connections: ConnectionService;
}

/** Registers payment.refund.send on the bus. The composition root calls it once. */
export function registerProcessorRefundJobs(bus: EventBus, deps: ProcessorRefundJobDeps): void {
  bus.registerTask(PROCESSOR_REFUND_TASK, {
    schema: processorRefundPayload,
    run: (payload, job) => sendRefund({ ...deps, bus }, payload, job),
  });
}

async function sendRefund(
  deps: ProcessorRefundJobDeps & { bus: EventBus },
  { tenantId, refundId }: { tenantId: string; refundId: string },
  job: JobContext,
): Promise<void> {
  const log = deps.logger.child({ tenantId, refundId });
  const refund = await deps.db.refund.findFirst({ where: { id: refundId, tenantId }, include: { payment: true } });
  if (!refund) {
    // The order was deleted (its refunds go with it); the delete's audit snapshot keeps the record.
    log.warn('processor refund skipped: the refund no longer exists');
    return;
  }
  const payment = refund.payment;
  if (!payment || moneyReturnFor(payment) !== 'processor') {
    log.warn({ paymentId: refund.paymentId }, 'processor refund skipped: the payment did not go through the processor');
    return;
  }
  if (await alreadySettled(deps.db, tenantId, refund.orderId, refundId)) return;
  // The checkout the money came in on names the shop's connection (and, for BTCPay, the invoice).
  const checkout = await deps.db.paymentCheckout.findFirst({
    where: { tenantId, orderId: refund.orderId, paymentReference: payment.providerReference!, state: 'PAID' },
  });

  const ctx = { tenantId, actor: systemActor };
  const outcome: RefundProcessorOutcomePayload = { tenantId, orderId: refund.orderId, refundId };
  const outcomeKey = { jobKey: `refund-outcome:${refundId}` };
  const request = {
    paymentReference: payment.providerReference!,
    providerCheckoutId: checkout?.providerCheckoutId ?? payment.providerReference!,
    // Less the part returned by hand (splitMoneyReturn: the checkout took less than the order).
    amountCents: processorCentsOf(refund),
    currency: payment.currency.trim().toUpperCase(),
    // One refund of the whole capture goes as PayPal's empty body ("everything"); any other as an amount, so
    // two partial refunds running out of order can never take more than each one's share.
    full: processorCentsOf(refund) === (checkout?.paidAmountCents ?? payment.amountCents),
    reason: refund.reason.slice(0, 500),
    idempotencyKey: refund.id,
  };
  try {
    if (!checkout)
      throw new ProviderRejectedError(
        'No checkout of this shop took this payment (paid before per-shop connections existed).',
        404,
        'NO_CHECKOUT',
      );
    const loaded = await deps.connections.load({ id: checkout.connectionId });
    const sent = await loaded.adapter.refund(loaded.conn, request);
    await withTransaction(deps.db, async (tx) => {
      // The order's row, as the refund webhook takes it: a FAILED event for this refund that beat this
      // transaction is seen below; one that comes after sees this record (checkouts/refund-failed-later.ts).
      const order = await lockOrder(tx, tenantId, refund.orderId);
      await deps.audit.record(tx, ctx, {
        action: PROCESSOR_REFUND_AUDIT.sent,
        entityType: 'Order',
        entityId: refund.orderId,
        after: {
          refundId,
          paymentId: payment.id,
          provider: checkout.provider,
          paymentReference: request.paymentReference,
          amountCents: request.amountCents,
          currency: request.currency,
          full: request.full,
          ...(refund.manualReturnCents
            ? { manualReturnCents: refund.manualReturnCents, manualReturnMethod: refund.manualReturnMethod }
            : {}),
          providerRefundId: sent.providerRefundId,
          providerStatus: sent.providerStatus,
          refundState: sent.state,
          ...(sent.state === 'CLAIM_SENT'
            ? { claim: 'claim link sent to the customer', awaitsApproval: sent.awaitsApproval ?? false, adminUrl: sent.adminUrl }
            : {}),
          attempt: job.attempt,
        },
      });
      // BTCPay: the money leaves only once the customer claims it with their address: they get the link by DM.
      if (sent.state === 'CLAIM_SENT' && sent.claimUrl) {
        const claim: RefundClaimLinkPayload = {
          tenantId,
          orderId: refund.orderId,
          refundId,
          amountCents: request.amountCents,
          currency: request.currency,
          claimUrl: sent.claimUrl,
          customerId: order.customerId,
          orderNumber: order.number,
        };
        await deps.bus.emit(tx, EVENTS.refundClaimLink, claim, { jobKey: `refund-claim:${refundId}` });
        // The admins: the money has not left yet. It waits on the customer's claim, then (usually) on their approval.
        const waiting: RefundClaimStatePayload = {
          tenantId,
          orderId: refund.orderId,
          refundId,
          amountCents: request.amountCents,
          currency: request.currency,
          pullPaymentId: sent.providerRefundId,
          state: 'Unclaimed',
          awaitsApproval: sent.awaitsApproval ?? false,
          adminUrl: sent.adminUrl,
          claimUrl: sent.claimUrl,
        };
        await deps.bus.emit(tx, EVENTS.refundClaimState, waiting, { jobKey: `refund-claim-state:${sent.providerRefundId}:Unclaimed` });
      }
      // The order's admin post counts it as returned now (or says the claim link went), in this record's transaction.
      await deps.bus.emit(tx, EVENTS.refundProcessorOutcome, outcome, outcomeKey);
      const failed = await failureReportedByProvider(tx, { tenantId, orderId: refund.orderId }, sent.providerRefundId);
      if (failed) {
        await recordRefundFailedLater(tx, deps, ctx, {
          tenantId,
          orderId: refund.orderId,
          refundId,
          providerRefundId: sent.providerRefundId,
          amountCents: failed.amountCents ?? request.amountCents,
          currency: order.currency,
          error: refundFailedError(checkout.provider, sent.providerRefundId, failed.type),
        });
      }
    });
    log.info(
      { providerRefundId: sent.providerRefundId, amountCents: request.amountCents },
      "refund sent through the shop's processor connection",
    );
  } catch (err) {
    if (err instanceof ProviderRejectedError && alreadyRefundedAtProvider(err)) {
      // Refunded at the provider outside Ledgerline (the shop's PayPal dashboard): the money already went
      // back. Recorded as returned, not as a failure: "return it another way" would pay the customer twice.
      await withTransaction(deps.db, async (tx) => {
        await deps.audit.record(tx, ctx, {
          action: PROCESSOR_REFUND_AUDIT.sent,
          entityType: 'Order',
          entityId: refund.orderId,
          after: {
            refundId,
            paymentId: payment.id,
            provider: checkout?.provider ?? null,
            paymentReference: request.paymentReference,
            amountCents: request.amountCents,
            currency: request.currency,
            full: request.full,
            providerRefundId: null,
            providerStatus: err.providerCode,
            refundState: 'ALREADY_REFUNDED',
            note: 'The payment was already fully refunded at the provider (outside Ledgerline): nothing more was sent.',
            attempt: job.attempt,
          },
        });
        await deps.bus.emit(tx, EVENTS.refundProcessorOutcome, outcome, outcomeKey);
      });
      log.warn({ providerCode: err.providerCode }, 'the payment was already fully refunded at the provider; recorded as returned');
      return;
    }
    const permanent = err instanceof ProviderRejectedError;
    const lastAttempt = job.attempt >= job.maxAttempts;
    if (permanent || lastAttempt) {
      const error = err instanceof Error ? err.message : String(err);
      const alert: RefundFailedPayload = {
        tenantId,
        orderId: refund.orderId,
        refundId,
        amountCents: request.amountCents,
        currency: request.currency,
        error,
        permanent,
      };
      await withTransaction(deps.db, async (tx) => {
        await deps.audit.record(tx, ctx, {
          action: PROCESSOR_REFUND_AUDIT.failed,
          entityType: 'Order',
          entityId: refund.orderId,
          after: {
            refundId,
            paymentId: payment.id,
            paymentReference: request.paymentReference,
            amountCents: request.amountCents,
            currency: request.currency,
            error,
            httpStatus: permanent ? err.httpStatus : null,
            providerCode: permanent ? err.providerCode : null,
            permanent,
            attempt: job.attempt,
            action: 'The money was NOT returned by the processor: return it to the customer another way.',
          },
        });
        // One alert per refund: a re-run of the last attempt replaces a pending one instead of adding another.
        await deps.bus.emit(tx, EVENTS.refundFailed, alert, { jobKey: `refund-failed:${refundId}` });
        await deps.bus.emit(tx, EVENTS.refundProcessorOutcome, outcome, outcomeKey);
      });
      log.error(
        { err, permanent, attempt: job.attempt },
        'the payment processor did not refund; recorded on the order (payment.refund_failed), return the money by hand',
      );
      if (permanent) return;
    }
    throw err;
  }
}

/**
 * The provider says the payment has nothing left to refund (PayPal CAPTURE_FULLY_REFUNDED, or
 * CAPTURED_AMOUNT_FULLY_REFUNDED): refunded at the provider itself, e.g. in the shop's PayPal dashboard.
 */
function alreadyRefundedAtProvider(err: ProviderRejectedError): boolean {
  const issue = err.providerCode.split('/').at(-1);
  return issue === 'CAPTURE_FULLY_REFUNDED' || issue === 'CAPTURED_AMOUNT_FULLY_REFUNDED';
}

/** True once this refund was sent, or refused for good (a transient last-attempt failure may be re-run). */
async function alreadySettled(db: Db, tenantId: string, orderId: string, refundId: string): Promise<boolean> {
  const entries = await db.auditLog.findMany({
    where: {
      tenantId,
      entityType: 'Order',
      entityId: orderId,
      action: { in: [PROCESSOR_REFUND_AUDIT.sent, PROCESSOR_REFUND_AUDIT.failed] },
      after: { path: ['refundId'], equals: refundId },
    },
    select: { action: true, after: true },
  });
  return entries.some((e) => e.action === PROCESSOR_REFUND_AUDIT.sent || (e.after as { permanent?: boolean } | null)?.permanent === true);
}
