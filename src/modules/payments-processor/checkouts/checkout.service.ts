// The payments core, provider-agnostic: opens checkouts (recorded before the provider is called, with the
// order version they charge for), handles the buyer's return and the providers' webhooks, voids checkouts
// the order outgrew, reconciles open checkouts whose webhook never came, and refunds money that arrived but
// could not pay the order. Every state change goes through checkout-ledger.ts (one write path).
import type { DeletedOrderCheckout, PaymentCheckout, PaymentProvider } from '../../../generated/prisma/index.js';
import { withTransaction, type Tx } from '../../../platform/db/prisma.js';
import { databaseNow } from '../../../platform/db/database-now.js';
import { AppError } from '../../../platform/errors.js';
import type { AfterSaleDeps } from '../../orders/index.js';
import { lockOrder, owedCents } from '../../orders/index.js';
import { systemActor } from '../../shared/actor.js';
import { EVENTS, type PaymentUnappliedPayload, type RefundClaimLinkPayload } from '../../shared/events.js';
import type { ConnectionService, LoadedConnection } from '../connections/connection.service.js';
import { isProcessorMethod, providerOfMethod, type ProcessorMethod } from '../connections/provider-definitions.js';
import {
  ProviderRejectedError,
  UnusableWebhookEvent,
  type ProviderCheckoutState,
  type WebhookRequest,
} from '../providers/provider.port.js';
import {
  applyCheckoutState,
  OPEN_CHECKOUT_STATES,
  UNAPPLIED_AUDIT,
  unappliedRefundKey,
  whyNotApplicable,
  type ApplyOutcome,
} from './checkout-ledger.js';
import { inFlightCheckout, inFlightWords } from './money-in-flight.query.js';
import { abandonedIds, earlierPress, landingOf, type CreateMaxMs } from './double-tap.js';
import {
  emitOtherOrderMoney,
  namesOtherOrder,
  otherOrderMoney,
  otherOrderWhy,
  reportsMoney,
  tookMoney,
  type HoldingCheckout,
} from './other-order.js';
import { applyToDeletedOrderCheckout, deletedOrderCheckoutFor, recordDeletedOrderRefundEvent } from './deleted-order-money.js';
import { isUncharged, NEVER_CREATED_STATUS, stillOpenAt, unchargedOpenedBefore } from './checkout-expiry.js';
import { closedCheckoutsDue, deletedOrderCheckoutsDue, recordLateMoneyRead } from './late-money.js';
import { claimReconcileRead, openCheckoutsDueReconcile, RECONCILE_RUN_LIMIT } from './reconcile-reads.js';
import { keptLateMoneyCause } from './late-money-notice.js';
import { namesMissingOrder, namesOurOrder } from './webhook-ownership.js';
import { recordWebhookEvent, UNUSABLE_OUTCOME } from './webhook-event-record.js';
import { announceCheckoutLeft, announceCheckoutState } from './order-checkout-now.js';
import { handleRefundMadeAtProvider } from './outside-refund.js';
import { applyPayoutEvent } from './refund-claims.js';
import { failureReportedByProvider, PROVIDER_REFUND_AUDIT, refundFailedError } from './refund-failed-later.js';
import { providerRefundFailed } from './provider-refund-failed.js';
import { flagUnapplied, flagUnappliedRefundFailed } from './unapplied-flagged.js';

/** Closed before any charge answered; a payment made for one is still bound to it (and refunded by the ledger). */
const CLOSED_UNCHARGED_STATES = ['VOIDED', 'EXPIRED'] as const;

/**
 * What the buyer's return (or a Cash App Pay charge) came to, for the invoice page. 'elsewhere': the provider has the
 * payment recorded for another order than the checkout's (other-order.ts), so it was applied to neither and the admins
 * were told.
 */
export type ReturnOutcome = 'paid' | 'pending' | 'open' | 'declined' | 'failed' | 'changed' | 'elsewhere';
export type PressLanding =
  { outcome: 'landed'; checkoutId: string; redirectUrl: string | null } | { outcome: 'opening' | 'failed' | 'changed' | 'gone' };
export type WebhookOutcome = 'applied' | 'duplicate' | 'ignored' | 'recorded' | 'not_ours' | 'unusable';

export interface StartCheckoutInput {
  tenantId: string;
  orderId: string;
  method: string;
  /** Built from our checkout id once it exists. */
  returnUrl: (checkoutId: string) => string;
  cancelUrl: string;
  /**
   * What the buyer was shown as owed (the invoice page's `?owed=`): compared, under the order's row lock, with what it
   * owes now; another amount (an admin edited the order meanwhile) opens nothing (CONFLICT `amount-changed`).
   */
  expectedOwedCents?: number;
}

export interface CheckoutService {
  /**
   * Records a checkout for the order's current total and version, then opens it at the shop's provider.
   * Errors: NOT_FOUND, ILLEGAL_STATE (not waiting for payment, or owing nothing; or the new checkout is being paid or paid already,
   * `details.checkout` its state), PAYMENT_METHOD_NOT_ENABLED (not enabled or not connected), UPSTREAM_UNAVAILABLE /
   * ProviderRejectedError from the provider (the row is marked FAILED if it was still being opened or open), CONFLICT
   * (`details.checkout: 'changed'`: the order changed while the provider was creating the checkout, which was voided
   * meanwhile or just after it opened; it is closed at the provider and the customer is not sent there;
   * `details.checkout: 'amount-changed'`: the order owes another amount than `expectedOwedCents`, nothing opened;
   * `'on-its-way'`: a checkout of the order has money on its way (APPROVED/PENDING), nothing opened; `'opening'`,
   * `details.checkoutId`: a concurrent start of this order and method (a double tap) is opening a checkout for this
   * amount, see pressLanding). A concurrent start's checkout already open (or Cash App Pay's open one, never charged)
   * is answered instead of a new one: the buyer goes there (double-tap.ts).
   */
  start(input: StartCheckoutInput): Promise<{ checkout: PaymentCheckout; redirectUrl: string | null }>;
  /**
   * Where a press of Pay refused as `'opening'` (`details.checkoutId`, the earlier press's checkout) goes now:
   * 'landed' where the earlier press did, once its checkout is open for the order as it is (double-tap.ts);
   * 'opening' while it is still being opened; otherwise what became of it ('failed', 'changed', or 'gone': paid or
   * on its way, the invoice page says which). NOT_FOUND unless the checkout is this order's.
   */
  pressLanding(input: { tenantId: string; orderId: string; checkoutId: string }): Promise<PressLanding>;
  /**
   * The buyer came back from the provider. Refused (NOT_FOUND) unless the checkout is ours, for this order,
   * and `providerCheckoutId` (PayPal's ?token=) names it. PayPal: captured here; PAID only on a COMPLETED capture.
   * A provider state naming another order than the checkout's is never captured or applied (other-order.ts): money it
   * reports is the admins' to check (told once); the answer is 'elsewhere' when the provider took money, else 'open'.
   */
  completeReturn(input: { tenantId: string; orderId: string; checkoutId: string; providerCheckoutId?: string }): Promise<ReturnOutcome>;
  /**
   * Square (Cash App Pay): charges the Web Payments SDK token the invoice page got for this checkout
   * (CreatePayment, idempotency key = our checkout id). NOT_FOUND unless the checkout is ours, for this order
   * and a provider that charges tokens. 'changed' (nothing charged) when the order outgrew the checkout;
   * 'declined' when Square refused the payment (the checkout is FAILED: a new one gets a new key).
   */
  charge(input: { tenantId: string; orderId: string; checkoutId: string; sourceToken: string }): Promise<ReturnOutcome>;
  /**
   * BAD_SIGNATURE, NOT_FOUND (unknown connection, or a payment of an order of ours that no checkout holds yet:
   * the provider retries). A well-signed event we cannot use is 'unusable' (answered 200, never refused); a payment
   * we did not start at all is 'not_ours' (answered 200). An event seen before is a 'duplicate', unless it was only
   * recorded as unusable: then it is processed again.
   */
  handleWebhook(
    provider: PaymentProvider,
    connectionId: string,
    req: WebhookRequest,
  ): Promise<{ outcome: WebhookOutcome; applied?: ApplyOutcome }>;
  /** Voids the order's open checkouts made for an older version (or any, once the order is not payable). */
  voidStale(tenantId: string, orderId: string): Promise<number>;
  /**
   * Asks the provider about every open checkout older than `olderThanMinutes` and applies what it says.
   * A checkout never charged (Square before its token was charged: still named by our own id) has nothing
   * at the provider to ask about; once past the time it closes by itself (checkout-expiry.ts, the time the admin post
   * states) it is retired (EXPIRED), after a last look for a payment made for it whose answer and webhooks were lost
   * (bound and applied instead).
   * Closed checkouts (FAILED/VOIDED/EXPIRED) that can still end up with money are asked about too, less and
   * less often, within their provider's window (`late`: how many were asked; late-money.ts).
   * At most `limit` open checkouts (RECONCILE_RUN_LIMIT), the least recently taken by a run first (reconcile-reads.ts).
   */
  reconcile(
    olderThanMinutes: number,
    limit?: number,
  ): Promise<{ checked: number; changed: number; errors: number; expired: number; late: number }>;
  /** Job body: refunds a checkout's unapplied money through its provider; FLAGGED when the provider refuses. */
  refundUnapplied(checkoutId: string, job: { attempt: number; maxAttempts: number }): Promise<void>;
}

export function createCheckoutService(deps: AfterSaleDeps & { connections: ConnectionService }): CheckoutService {
  const { db, clock, connections, logger } = deps;
  const createMaxMs: CreateMaxMs = (provider) => connections.adapterFor(provider).createCheckoutMaxMs;

  /**
   * A well-signed event we cannot use (UnusableWebhookEvent, from any provider's adapter): acknowledged, never refused,
   * as a refusal is retried by the provider for days and can never succeed. Logged as a warning (someone may need to
   * look at the payment at the provider) and, when its event id is known, recorded (outcome "unusable"), so the event
   * is on file. A redelivery is processed again (webhook-event-record.ts): still unusable, it is a duplicate; usable
   * now (a fault of ours fixed since), it is applied and its record says so.
   */
  async function acknowledgeUnusable(
    provider: PaymentProvider,
    connectionId: string,
    e: UnusableWebhookEvent,
    /** Written with the event's record, only when it is recorded now (the admins' alert about it, once). */
    alsoOnRecord?: (tx: Tx) => Promise<void>,
  ): Promise<{ outcome: WebhookOutcome }> {
    logger.warn(
      { provider, connectionId, eventId: e.eventId, type: e.eventType, why: e.why },
      'provider webhook signed but not usable; acknowledged (200) so the provider stops retrying: check this event at the provider',
    );
    if (!e.eventId) return { outcome: 'unusable' };
    const record = {
      provider,
      connectionId,
      eventId: e.eventId,
      type: (e.eventType ?? 'unknown').slice(0, 100),
      outcome: UNUSABLE_OUTCOME,
    };
    const added = await withTransaction(db, async (tx) => {
      const { count } = await tx.providerWebhookEvent.createMany({ data: [record], skipDuplicates: true });
      if (count && alsoOnRecord) await alsoOnRecord(tx);
      return count;
    });
    return { outcome: added === 0 ? 'duplicate' : 'unusable' };
  }

  /**
   * A well-signed event about a payment a checkout of ours holds (live, or a deleted order's) that names another
   * order than the checkout's: which order the money is for cannot be told, so it pays neither (nothing applied,
   * nothing captured). Refused (409), it was retried by the provider for days and could never succeed: it follows the
   * rule for unusable events (acknowledgeUnusable: 200, logged, recorded). When it reports money (otherOrderMoney: paid,
   * on its way, approved, or part of an open invoice paid) the admins are told once, with the event's record, to check
   * that payment at the provider.
   */
  async function acknowledgeOtherOrder(
    provider: PaymentProvider,
    connectionId: string,
    event: { eventId: string; type: string; checkout: ProviderCheckoutState },
    held: HoldingCheckout,
  ): Promise<{ outcome: WebhookOutcome }> {
    const state = event.checkout;
    return acknowledgeUnusable(
      provider,
      connectionId,
      new UnusableWebhookEvent(otherOrderWhy(state, held), event.eventId, event.type),
      otherOrderMoney(state)
        ? (tx) => emitOtherOrderMoney(tx, deps.bus, provider, state, held, event.type, `event-other-order:${connectionId}:${event.eventId}`)
        : undefined,
    );
  }

  /**
   * A provider's state read by the reconciliation (open, closed or a deleted order's checkout) or by the buyer's return
   * that names another order than the checkout's: not applied, as its webhook is not (other-order.ts); money it reports
   * is the admins' to check (told once: the alert's post is keyed by checkout, payment, named order and state). True
   * when it names another.
   */
  async function leftForOtherOrder(
    provider: PaymentProvider,
    state: ProviderCheckoutState,
    held: HoldingCheckout,
    source: string,
  ): Promise<boolean> {
    if (!namesOtherOrder(state, held)) return false;
    logger.warn(
      { checkoutId: held.id, orderId: held.orderId, namedOrderId: state.orderId, source },
      'not applied: ' + otherOrderWhy(state, held),
    );
    if (otherOrderMoney(state)) {
      const jobKey = `event-other-order:${held.id}:${state.providerCheckoutId}:${state.state}`;
      await withTransaction(db, (tx) => emitOtherOrderMoney(tx, deps.bus, provider, state, held, source, jobKey));
    }
    return true;
  }

  /** Capture when the provider needs it (PayPal APPROVED) and the money can still pay the order; else read it. */
  async function settle(loaded: LoadedConnection, checkout: PaymentCheckout, state: ProviderCheckoutState): Promise<ProviderCheckoutState> {
    if (state.state !== 'APPROVED' || !loaded.adapter.capture || !checkout.providerCheckoutId) return state;
    const order = await db.order.findUniqueOrThrow({ where: { id: checkout.orderId } });
    // Never capture a checkout the order outgrew: for PayPal that is what "void" means.
    if (checkout.state === 'VOIDED' || whyNotApplicable(order, checkout, checkout.amountCents, checkout.currency)) return state;
    return loaded.adapter.capture(loaded.conn, checkout.providerCheckoutId, `capture-${checkout.id}`);
  }

  /**
   * Square answered a charge IDEMPOTENCY_KEY_REUSED: another charge of this checkout, with another token, reached
   * Square first (a second tab or a second press of the page's button, or a first charge whose answer was lost).
   * The payment that charge made, looked up by its order (ListPayments), settles the checkout and the answer: paid,
   * or failed when Square declined it. None listed (Square refused that charge without a payment, or it is still
   * being made): the checkout is failed as a refused charge fails it, so the buyer starts a new one rather than
   * waiting on a "pending" that nothing would end; a payment that shows up later is late money (late-money.ts keeps
   * asking about a FAILED checkout never bound), applied to the order if it still can be.
   */
  async function chargedElsewhere(
    checkout: PaymentCheckout,
    err: ProviderRejectedError,
  ): Promise<'paid' | 'failed' | 'changed' | 'pending'> {
    const read = () => db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } });
    let now = await read();
    if (now.providerCheckoutId === now.id && (OPEN_CHECKOUT_STATES as readonly string[]).includes(now.state)) {
      const source = 'charge (IDEMPOTENCY_KEY_REUSED: payment found by order)';
      if (!(await applyLostCharge(now, source, { exactAmount: true }))) await failRefusedCharge(checkout, err);
      now = await read();
    }
    if (now.state === 'PAID') return now.unappliedAction ? 'changed' : 'paid';
    if (now.state === 'VOIDED') return 'changed';
    if (now.state === 'FAILED' || now.state === 'EXPIRED') return 'failed';
    // Bound by the other charge, whose answer is being applied; or a payment still pending at Square.
    return 'pending';
  }

  /** A charge Square refused: it keeps the key with the refused request, so this checkout cannot be charged again. */
  async function failRefusedCharge(checkout: PaymentCheckout, err: ProviderRejectedError): Promise<void> {
    await withTransaction(db, async (tx) => {
      const failed = await tx.paymentCheckout.updateManyAndReturn({
        where: { id: checkout.id, state: { in: [...OPEN_CHECKOUT_STATES] } },
        data: { state: 'FAILED', providerStatus: err.providerCode.slice(0, 200) },
      });
      for (const after of failed) await announceCheckoutState(tx, deps.bus, checkout.state, after);
    });
  }

  /**
   * Renames a checkout named by our own id (Square before its charge) to the provider's payment id. True when the
   * checkout is named by it now (false: another charge, webhook or reconciliation bound it to another payment first).
   */
  async function bindProviderId(checkoutId: string, current: string | null, providerId: string): Promise<boolean> {
    if (current === providerId) return true;
    if (!current || current !== checkoutId) return false;
    const { count } = await db.paymentCheckout.updateMany({
      where: { id: checkoutId, providerCheckoutId: checkoutId },
      data: { providerCheckoutId: providerId },
    });
    return count === 1;
  }

  /**
   * A payment event for an id we have not bound yet: Square's payment.created can arrive before our charge
   * call has its answer, or instead of it (the answer was lost). Such a checkout is still named by our own id,
   * and the event names our order (reference_id): when exactly one checkout of this connection for that order
   * is in that state, it is the one, and it is bound now. A checkout voided or expired meanwhile (the buyer
   * paid in another tab, the order changed) still counts: the money reached the provider all the same, and
   * bound, the ledger refunds it. Several such: the one for exactly the amount paid, if only one is. Anything
   * else stays refused. A payment that carries no money (FAILED: declined) adopts nothing: its own checkout failed
   * with the charge's answer (never bound: Square names a declined charge by an error), so the one checkout found now
   * is the buyer's next one, and bound to the declined payment, that checkout's own charge could no longer bind it
   * (its ledger named a failed payment). A checkout whose declined charge's answer was lost finds it at its next press
   * or its reconciliation (applyLostCharge).
   */
  async function adoptUncharged(connectionId: string, state: ProviderCheckoutState): Promise<PaymentCheckout | null> {
    if (!state.orderId || state.state === 'FAILED') return null;
    const unbound = (
      await db.paymentCheckout.findMany({
        where: { connectionId, orderId: state.orderId, state: { in: [...OPEN_CHECKOUT_STATES, ...CLOSED_UNCHARGED_STATES] } },
      })
    ).filter((c) => c.providerCheckoutId === c.id);
    const open = unbound.filter((c) => (OPEN_CHECKOUT_STATES as readonly string[]).includes(c.state));
    const forAmount = unbound.filter((c) => c.amountCents === state.paidAmountCents);
    const candidates = open.length === 1 ? open : unbound.length === 1 ? unbound : forAmount;
    if (candidates.length !== 1) return null;
    const [c] = candidates as [PaymentCheckout];
    await bindProviderId(c.id, c.providerCheckoutId, state.providerCheckoutId);
    return db.paymentCheckout.findUnique({ where: { id: c.id } });
  }

  /**
   * A checkout never bound to a payment (Square, named by our own id) whose charge may have reached the provider with
   * its answer and webhooks lost: a payment for its order that no other checkout holds is bound to it and applied.
   * True when one was. `exactAmount`: only a payment of this checkout's amount (at charge time, when the payment the
   * charge made may not be listed yet, a payment of another amount is an older version's, not this checkout's).
   */
  async function applyLostCharge(c: PaymentCheckout, source: string, opts: { exactAmount?: boolean } = {}): Promise<boolean> {
    const loaded = await connections.load({ id: c.connectionId });
    if (!loaded.adapter.paymentsForOrder) return false;
    const payments = await loaded.adapter.paymentsForOrder(loaded.conn, { orderId: c.orderId, since: c.createdAt, limit: 500 });
    const held = new Set(
      (
        await db.paymentCheckout.findMany({
          where: { connectionId: c.connectionId, orderId: c.orderId, providerCheckoutId: { not: null } },
          select: { providerCheckoutId: true },
        })
      ).map((x) => x.providerCheckoutId),
    );
    const free = payments.filter((p) => !held.has(p.providerCheckoutId));
    // Prefer the payment for exactly this checkout's amount (another uncharged checkout of the order may
    // be for another version of it); any other is still applied, and refunded if it cannot pay the order.
    const mine = free.find((p) => p.paidAmountCents === c.amountCents) ?? (opts.exactAmount ? undefined : free[0]);
    if (!mine) return false;
    if (!(await bindProviderId(c.id, c.providerCheckoutId, mine.providerCheckoutId))) return false;
    await applyCheckoutState(deps, c.id, mine, { source });
    logger.warn({ checkoutId: c.id, orderId: c.orderId, source }, 'a charge whose answer and webhooks were lost was found at the provider');
    return true;
  }

  /**
   * A checkout never charged, past its window: if the provider has a payment for its order that no other
   * checkout holds (our charge reached Square, its answer and webhooks did not reach us), that payment is
   * bound to it and applied; otherwise it is retired EXPIRED, only if still uncharged (a compare-and-set: a
   * charge() that binds it meanwhile wins, and its money is applied as usual). Past its window by the database's
   * clock, read in the retiring transaction (checkout-expiry.ts): an instance whose clock ran ahead retired one
   * the buyer was still paying.
   */
  async function retireUncharged(c: PaymentCheckout): Promise<'applied' | 'expired' | 'open'> {
    if (await applyLostCharge(c, 'reconciliation (payment found by order)')) return 'applied';
    const count = await withTransaction(db, async (tx) => {
      const openedBefore = unchargedOpenedBefore(await databaseNow(tx));
      const retired = await tx.paymentCheckout.updateManyAndReturn({
        where: { id: c.id, providerCheckoutId: c.id, state: { in: ['CREATING', 'OPEN'] }, createdAt: { lte: openedBefore } },
        data: { state: 'EXPIRED', providerStatus: 'EXPIRED: never charged' },
      });
      // The state it left is the one this write matched, not `c.state` read before the provider was asked (start() may
      // have opened it since).
      for (const after of retired) await announceCheckoutLeft(tx, deps.bus, after);
      return retired.length;
    });
    return count === 1 ? 'expired' : 'open';
  }

  /**
   * A closed checkout (late-money.ts) asked once more: money the provider reports on it (or in flight again)
   * goes through the ledger, which pays the order if the checkout still can, else refunds it and tells the
   * admins. True when the checkout changed.
   */
  async function lookForLateMoney(c: PaymentCheckout): Promise<boolean> {
    if (c.providerCheckoutId === c.id) {
      // Never bound (Square): a payment for its order that no checkout holds is one its charge made after all.
      // While the order has a checkout still being charged, that payment may be its own: left to it (its own
      // retirement looks at ListPayments too).
      const charging = await db.paymentCheckout.findMany({
        where: { orderId: c.orderId, connectionId: c.connectionId, state: { in: [...OPEN_CHECKOUT_STATES] } },
        select: { id: true, providerCheckoutId: true },
      });
      if (charging.some((o) => o.providerCheckoutId === o.id)) return false;
      return (await retireUncharged(c)) === 'applied';
    }
    const loaded = await connections.load({ id: c.connectionId });
    const read = await loaded.adapter.getCheckout(loaded.conn, c.providerCheckoutId!, { paymentReference: c.paymentReference });
    if (await leftForOtherOrder(c.provider, read, c, 'reconciliation (closed checkout)')) return false;
    const state = await settle(loaded, c, read);
    if (!reportsMoney(state)) return false;
    const { checkout } = await applyCheckoutState(deps, c.id, state, { source: 'reconciliation (closed checkout)' });
    if (checkout.state !== c.state) {
      logger.warn(
        { checkoutId: c.id, orderId: c.orderId, from: c.state, to: checkout.state, providerStatus: state.providerStatus },
        'money reported on a closed checkout whose webhooks were lost',
      );
    }
    return checkout.state !== c.state;
  }

  /**
   * A deleted order's checkout (deleted-order-money.ts) asked once more: money the provider reports on it is
   * recorded and returned; nothing is ever captured for it. One never bound (Square) is looked up by the order
   * it was for, as retireUncharged does: a payment for that order no checkout holds. True when money was found.
   */
  async function lookForDeletedOrderMoney(c: DeletedOrderCheckout): Promise<boolean> {
    const loaded = await connections.load({ id: c.connectionId });
    let state: ProviderCheckoutState | undefined;
    if (c.providerCheckoutId === c.id) {
      if (!loaded.adapter.paymentsForOrder) return false;
      const payments = await loaded.adapter.paymentsForOrder(loaded.conn, { orderId: c.orderId, since: c.createdAt, limit: 500 });
      const where = { connectionId: c.connectionId, providerCheckoutId: { in: payments.map((p) => p.providerCheckoutId) } };
      const held = new Set(
        [
          ...(await db.paymentCheckout.findMany({ where, select: { providerCheckoutId: true } })),
          ...(await db.deletedOrderCheckout.findMany({ where, select: { providerCheckoutId: true } })),
        ].map((x) => x.providerCheckoutId),
      );
      const free = payments.filter((p) => !held.has(p.providerCheckoutId) && p.state === 'PAID');
      state = free.find((p) => p.paidAmountCents === c.amountCents) ?? free[0];
      if (!state) return false;
      const { count } = await db.deletedOrderCheckout.updateMany({
        where: { id: c.id, providerCheckoutId: c.id },
        data: { providerCheckoutId: state.providerCheckoutId },
      });
      if (!count) return false;
    } else {
      state = await loaded.adapter.getCheckout(loaded.conn, c.providerCheckoutId, { paymentReference: c.paymentReference });
    }
    if (await leftForOtherOrder(c.provider, state, c, 'reconciliation (deleted order)')) return false;
    const outcome = await applyToDeletedOrderCheckout(deps, c.id, state, { source: 'reconciliation (deleted order)' });
    if (outcome === 'unapplied')
      logger.warn({ checkoutId: c.id, orderId: c.orderId, providerStatus: state.providerStatus }, 'money found for a deleted order');
    return outcome === 'unapplied';
  }

  /**
   * An open checkout of this order and method, made for the order as it is now (same version, same amount
   * owed), that its provider still takes money on (resumeUrl): the buyer goes back to it. A Bitcoin invoice
   * paid in part keeps what arrived and asks for the rest there; a second invoice for the whole amount would
   * let the buyer pay more than the order (the first's part refunded only when it expires).
   */
  async function resumable(tenantId: string, orderId: string, method: ProcessorMethod, expectedOwedCents: number | undefined) {
    const order = await db.order.findFirst({
      where: { id: orderId, tenantId },
      select: { status: true, version: true, totalCents: true, amountReceivedCents: true },
    });
    if (!order || order.status !== 'PENDING_PAYMENT') return null;
    // Not what the buyer was shown, or money already on its way: start()'s transaction says so.
    if (expectedOwedCents !== undefined && owedCents(order) !== expectedOwedCents) return null;
    if (await inFlightCheckout(db, orderId)) return null;
    const open = await db.paymentCheckout.findFirst({
      where: { tenantId, orderId, method, state: 'OPEN', orderVersion: order.version, amountCents: owedCents(order) },
      orderBy: { createdAt: 'desc' },
    });
    if (!open?.providerCheckoutId || open.providerCheckoutId === open.id) return null;
    try {
      const loaded = await connections.load({ id: open.connectionId }, { requireConnected: true });
      const state = await loaded.adapter.getCheckout(loaded.conn, open.providerCheckoutId);
      // Never back to an invoice the provider has for another order: what the buyer paid there would not pay this one.
      if (namesOtherOrder(state, open)) return null;
      return state.state === 'OPEN' && state.resumeUrl ? { checkout: open, redirectUrl: state.resumeUrl } : null;
    } catch (err) {
      // The provider did not answer, or the connection changed: a new checkout, as before.
      logger.warn({ err, checkoutId: open.id }, 'could not check an open checkout before opening another');
      return null;
    }
  }

  const service: CheckoutService = {
    async start(input) {
      if (!isProcessorMethod(input.method))
        throw new AppError('PAYMENT_METHOD_NOT_ENABLED', 'That payment method is not available for this invoice.');
      const method: ProcessorMethod = input.method;
      const provider = providerOfMethod(method);
      const resumed = await resumable(input.tenantId, input.orderId, method, input.expectedOwedCents);
      if (resumed) return resumed;
      // The open checkouts there were before this press: one opened since (or still being opened) is a concurrent
      // press's (a double tap), which the transaction below finds under the order's row lock.
      const openBefore = (
        await db.paymentCheckout.findMany({
          where: { tenantId: input.tenantId, orderId: input.orderId, method, state: 'OPEN' },
          select: { id: true },
        })
      ).map((c) => c.id);
      const pressed = await withTransaction(db, async (tx) => {
        const order = await lockOrder(tx, input.tenantId, input.orderId);
        if (order.status !== 'PENDING_PAYMENT')
          throw new AppError('ILLEGAL_STATE', `Order #${order.number} is not waiting for payment (${order.status}).`);
        // Under the row lock: an admin's edit made after the buyer's page was drawn is seen here, not after it.
        if (input.expectedOwedCents !== undefined && owedCents(order) !== input.expectedOwedCents)
          throw new AppError('CONFLICT', 'The amount to pay for this order changed; check the order, then pay the new amount.', {
            checkout: 'amount-changed',
          });
        // Nothing owed (a 100 % discount, a free item with free pickup): no provider takes a payment of nothing, and
        // a checkout must be for more than zero (payment_checkouts_amount_positive).
        if (owedCents(order) <= 0)
          throw new AppError('ILLEGAL_STATE', `Order #${order.number} owes nothing: there is nothing to pay online.`, { owedCents: 0 });
        // Money already on its way (an eCheck clearing, a Bitcoin invoice confirming, a Square payment pending): a
        // second checkout would take the order's amount twice (one refunded later). A page drawn before it was sent
        // still shows the buttons; refused here, under the lock the ledger takes to record that money.
        const onItsWay = await inFlightCheckout(tx, order.id);
        if (onItsWay)
          throw new AppError('CONFLICT', `${inFlightWords(onItsWay)}; no second payment was started.`, { checkout: 'on-its-way' });
        const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: input.tenantId }, select: { enabledPaymentMethods: true } });
        const usable = await connections.usableMethods(input.tenantId, tenant.enabledPaymentMethods);
        if (!usable.includes(method))
          throw new AppError('PAYMENT_METHOD_NOT_ENABLED', 'That payment method is not available for this invoice.');
        // Two presses of Pay at once (a double tap): the second to take the lock finds the first's checkout, being
        // opened at the provider or opened since it began, for this very amount, and opens no second one: it goes
        // where the first did, or waits on it (double-tap.ts).
        const { earlier, now } = await earlierPress(tx, createMaxMs, {
          orderId: order.id,
          method,
          orderVersion: order.version,
          amountCents: owedCents(order),
          openBefore,
        });
        if (earlier?.kind === 'landed') return earlier;
        if (earlier)
          throw new AppError('CONFLICT', 'This payment is already being opened from an earlier press of Pay.', {
            checkout: 'opening',
            checkoutId: earlier.checkout.id,
          });
        const connection = await tx.paymentConnection.findUniqueOrThrow({
          where: { tenantId_provider: { tenantId: input.tenantId, provider } },
        });
        // Dated by the database's clock, as every window of it is read (checkout-expiry.ts): the time earlierPress
        // read in this transaction. Prisma would date it by this instance's clock, which another instance's may not
        // agree with.
        const checkout = await tx.paymentCheckout.create({
          data: {
            createdAt: now,
            tenantId: input.tenantId,
            orderId: order.id,
            connectionId: connection.id,
            provider,
            method,
            // What is still owed: a part the shop already recorded (a receipt) is not asked for again.
            amountCents: owedCents(order),
            currency: order.currency.trim().toUpperCase(),
            orderVersion: order.version,
          },
        });
        return { kind: 'new' as const, checkout, order };
      });
      if (pressed.kind === 'landed') return { checkout: pressed.checkout, redirectUrl: pressed.redirectUrl };
      const { checkout, order } = pressed;
      const loaded = await connections.load({ id: checkout.connectionId }, { requireConnected: true });
      const shop = await db.tenant.findUniqueOrThrow({ where: { id: input.tenantId }, select: { name: true } });
      try {
        const created = await loaded.adapter.createCheckout(loaded.conn, {
          orderId: order.id,
          orderNumber: order.number,
          amountCents: checkout.amountCents,
          currency: checkout.currency,
          returnUrl: input.returnUrl(checkout.id),
          cancelUrl: input.cancelUrl,
          idempotencyKey: checkout.id,
          description: `${shop.name} order #${order.number}`,
        });
        const updated = await withTransaction(db, async (tx) => {
          // Opened only if still being created (a compare-and-set): one voided meanwhile (the order changed or was
          // paid: the void_stale job) or given up on (reconcile) stays as it is.
          const [opened] = await tx.paymentCheckout.updateManyAndReturn({
            where: { id: checkout.id, state: 'CREATING' },
            data: {
              providerCheckoutId: created.providerCheckoutId,
              state: 'OPEN',
              providerStatus: created.providerStatus.slice(0, 200),
              // When the provider closes it by itself if nobody pays, as it says (checkout-expiry.ts).
              expiresAt: created.expiresAt ?? null,
              // Where a second press of Pay is sent while this one is open (double-tap.ts).
              redirectUrl: created.redirectUrl,
            },
          });
          if (opened) {
            await announceCheckoutState(tx, deps.bus, 'CREATING', opened);
            return opened;
          }
          // Closed, but it exists at the provider now: its id is kept, so money paid to it anyway is found
          // (late-money.ts) and refunded.
          return tx.paymentCheckout.update({ where: { id: checkout.id }, data: { providerCheckoutId: created.providerCheckoutId } });
        });
        // The order may have changed while the provider answered: the trigger only voids what it saw open.
        if (updated.state === 'OPEN') await service.voidStale(input.tenantId, order.id);
        // Read again: opened, it may have been voided since (by voidStale just now, or by the void_stale job, which read
        // it while it was being created), or a payment moved it on. The customer is sent to the provider only if open.
        const current = updated.state === 'OPEN' ? await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } }) : updated;
        if (current.state === 'VOIDED' || current.state === 'EXPIRED' || current.state === 'FAILED') {
          // Nothing the customer may pay: closed at the provider too (a no-op if it already is), and the customer is
          // not sent there.
          await loaded.adapter.voidCheckout(loaded.conn, created.providerCheckoutId);
          if (current.state !== 'VOIDED')
            throw new AppError('UPSTREAM_UNAVAILABLE', 'The payment provider took too long to answer; please try again.', {
              why: `checkout ${current.state} before the provider answered`,
            });
          const now = await db.order.findUniqueOrThrow({ where: { id: order.id }, select: { status: true } });
          if (now.status !== 'PENDING_PAYMENT') throw new AppError('ILLEGAL_STATE', 'This order is no longer waiting for payment.');
          throw new AppError('CONFLICT', 'The order changed while this payment was being set up; pay its current total.', {
            checkout: 'changed',
          });
        }
        if (current.state !== 'OPEN')
          // Being paid, or paid (APPROVED, PENDING, PAID: a fast payer, a webhook first): never closed at the provider,
          // and the customer is not asked to pay again; the invoice page says where the payment is.
          throw new AppError('ILLEGAL_STATE', 'A payment for this order is already on its way.', { checkout: current.state });
        return { checkout: current, redirectUrl: created.redirectUrl };
      } catch (err) {
        // Only a checkout still being opened or open fails here (one voided or paid meanwhile keeps its state), and
        // an OPEN one's post is told it is gone (it may have been announced open before voidStale threw).
        await withTransaction(db, async (tx) => {
          const failed = await tx.paymentCheckout.updateManyAndReturn({
            where: { id: checkout.id, state: { in: ['CREATING', 'OPEN'] } },
            data: { state: 'FAILED', providerStatus: err instanceof Error ? err.message.slice(0, 200) : 'create failed' },
          });
          for (const after of failed) await announceCheckoutLeft(tx, deps.bus, after);
        });
        throw err;
      }
    },

    async pressLanding(input) {
      const c = await db.paymentCheckout.findFirst({ where: { id: input.checkoutId, tenantId: input.tenantId, orderId: input.orderId } });
      if (!c) throw new AppError('NOT_FOUND', 'This payment was not started from this invoice.');
      // The database's clock, as the press read it (double-tap.ts): this instance's may run ahead or behind.
      const now = await databaseNow(db);
      if (c.state === 'CREATING') return { outcome: (await abandonedIds(db, [c], createMaxMs)).has(c.id) ? 'failed' : 'opening' };
      if (c.state === 'FAILED' || c.state === 'EXPIRED') return { outcome: 'failed' };
      if (c.state === 'VOIDED') return { outcome: 'changed' };
      const landing = landingOf(c, now);
      // Being paid or paid (APPROVED, PENDING, PAID), or the order paid another way: the invoice page says which.
      const order = await db.order.findUniqueOrThrow({ where: { id: c.orderId } });
      if (c.state !== 'OPEN' || order.status !== 'PENDING_PAYMENT') return { outcome: 'gone' };
      // Another payment of the order on its way (as start() refuses a new press): the invoice page says so.
      if (await inFlightCheckout(db, order.id)) return { outcome: 'gone' };
      // Open, but for the order as it was (edited meanwhile: voided soon).
      if (whyNotApplicable(order, c, c.amountCents, c.currency)) return { outcome: 'changed' };
      // Past its time, or opened before its provider page was kept: the invoice page, to press Pay again.
      return landing ? { outcome: 'landed', checkoutId: c.id, redirectUrl: landing.redirectUrl } : { outcome: 'gone' };
    },

    async completeReturn(input) {
      const checkout = await db.paymentCheckout.findFirst({
        where: { id: input.checkoutId, tenantId: input.tenantId, orderId: input.orderId },
      });
      if (
        !checkout ||
        !checkout.providerCheckoutId ||
        (input.providerCheckoutId && input.providerCheckoutId !== checkout.providerCheckoutId)
      ) {
        throw new AppError('NOT_FOUND', 'This payment was not started from this invoice.');
      }
      if (checkout.state === 'PAID') return checkout.unappliedAction ? 'changed' : 'paid';
      if (checkout.state === 'VOIDED') return 'changed';
      const loaded = await connections.load({ id: checkout.connectionId });
      // With the payment it holds: a clearing capture whose order PayPal no longer knows is read by its own id
      // (paypal.adapter.ts getCheckout), as reconciliation does, never closed on the order's 404 alone.
      const read = await loaded.adapter.getCheckout(loaded.conn, checkout.providerCheckoutId, {
        paymentReference: checkout.paymentReference,
      });
      // Before settle: a PayPal order naming another order is never captured from this order's page, nor applied to it.
      // Money the provider took: 'elsewhere' (the admins are told by leftForOtherOrder). None taken (approved only, and
      // never captured here; or nothing paid): this invoice's payment was not completed, 'open'.
      if (await leftForOtherOrder(checkout.provider, read, checkout, 'return')) return tookMoney(read) ? 'elsewhere' : 'open';
      const state = await settle(loaded, checkout, read);
      const { checkout: after } = await applyCheckoutState(deps, checkout.id, state, { source: 'return' });
      // PAID by this call or by a concurrent webhook: either way, money that could not pay the order is "changed".
      if (after.state === 'PAID') return after.unappliedAction ? 'changed' : 'paid';
      if (after.state === 'PENDING') return 'pending';
      if (after.state === 'VOIDED') return 'changed';
      if (after.state === 'FAILED') return 'failed';
      return state.providerStatus === 'INSTRUMENT_DECLINED' ? 'declined' : 'open';
    },

    async charge(input) {
      const checkout = await db.paymentCheckout.findFirst({
        where: { id: input.checkoutId, tenantId: input.tenantId, orderId: input.orderId },
      });
      if (!checkout) throw new AppError('NOT_FOUND', 'This payment was not started from this invoice.');
      if (checkout.state === 'PAID') return checkout.unappliedAction ? 'changed' : 'paid';
      if (checkout.state === 'VOIDED') return 'changed';
      // FAILED: declined (Square keeps the key); EXPIRED: retired by the reconciliation after its window.
      // Either way the buyer starts a new checkout.
      if (checkout.state === 'FAILED' || checkout.state === 'EXPIRED') return 'failed';
      const loaded = await connections.load({ id: checkout.connectionId }, { requireConnected: true });
      if (!loaded.adapter.charge) throw new AppError('NOT_FOUND', 'This payment is not paid with a token.');
      // Never take money for a checkout the order outgrew (edited, cancelled, paid another way).
      const order = await db.order.findUniqueOrThrow({ where: { id: checkout.orderId } });
      if (whyNotApplicable(order, checkout, checkout.amountCents, checkout.currency)) {
        await service.voidStale(input.tenantId, order.id);
        return 'changed';
      }
      let state: ProviderCheckoutState;
      try {
        state = await loaded.adapter.charge(loaded.conn, {
          sourceToken: input.sourceToken,
          amountCents: checkout.amountCents,
          currency: checkout.currency,
          idempotencyKey: checkout.id,
          orderId: checkout.orderId,
          note: `Order #${order.number}`,
        });
      } catch (err) {
        if (!(err instanceof ProviderRejectedError)) throw err;
        // Square names it INVALID_REQUEST_ERROR/IDEMPOTENCY_KEY_REUSED.
        if (err.providerCode.endsWith('IDEMPOTENCY_KEY_REUSED')) return chargedElsewhere(checkout, err);
        await failRefusedCharge(checkout, err);
        return 'declined';
      }
      // From now on the provider's payment id names the checkout (webhooks and reconciliation use it).
      await bindProviderId(checkout.id, checkout.providerCheckoutId, state.providerCheckoutId);
      const { outcome, checkout: after } = await applyCheckoutState(deps, checkout.id, state, { source: 'charge' });
      if (outcome === 'paid' || outcome === 'already_paid') return 'paid';
      if (outcome === 'unapplied') return 'changed';
      if (after.state === 'PENDING' || after.state === 'APPROVED') return 'pending';
      if (after.state === 'FAILED') return 'failed';
      return after.state === 'VOIDED' ? 'changed' : 'open';
    },

    async handleWebhook(provider, connectionId, req) {
      const loaded = await connections.load({ id: connectionId }).catch(() => null);
      if (!loaded || loaded.row.provider !== provider) throw new AppError('NOT_FOUND', 'Unknown webhook endpoint.');
      const verified = await loaded.adapter.verifyWebhook(loaded.conn, req).catch((err: unknown) => {
        if (err instanceof UnusableWebhookEvent) return err;
        throw err;
      });
      if (verified instanceof UnusableWebhookEvent) return acknowledgeUnusable(provider, connectionId, verified);
      const event = verified;
      const seen = await db.providerWebhookEvent.findUnique({
        where: { provider_connectionId_eventId: { provider, connectionId, eventId: event.eventId } },
      });
      // Seen and used: a duplicate. Seen but unusable then (perhaps through a fault of ours fixed since): processed again.
      if (seen && seen.outcome !== UNUSABLE_OUTCOME) return { outcome: 'duplicate' };
      const record = { provider, eventId: event.eventId, connectionId, type: event.type.slice(0, 100) };

      if (event.checkout) {
        const providerCheckoutId = event.checkout.providerCheckoutId;
        const byProviderId = () => db.paymentCheckout.findFirst({ where: { provider, providerCheckoutId, connectionId } });
        // Read by the provider's id, else adopted as an uncharged checkout of ours, else read once more: a charge()
        // that bound this payment between the first two reads leaves it neither unbound nor missed by the third.
        const checkout = (await byProviderId()) ?? (await adoptUncharged(connectionId, event.checkout)) ?? (await byProviderId());
        if (!checkout) {
          // A deleted order's checkout that could still take money (deleted-order-money.ts): never the order's.
          const kept = await deletedOrderCheckoutFor(db, connectionId, event.checkout);
          if (kept) {
            if (namesOtherOrder(event.checkout, kept))
              return acknowledgeOtherOrder(provider, connectionId, { ...event, checkout: event.checkout }, kept);
            try {
              const applied = await applyToDeletedOrderCheckout(deps, kept.id, event.checkout, {
                source: `webhook ${event.type}`,
                webhookEvent: record,
              });
              return { outcome: 'applied', applied };
            } catch (err) {
              if ((err as { code?: string }).code === 'P2002') return { outcome: 'duplicate' };
              throw err;
            }
          }
          if (!(await namesOurOrder(db, connectionId, event.checkout.orderId))) {
            // A payment we did not start (webhook-ownership.ts): answered 200 so the provider stops retrying.
            const fields = { provider, connectionId, eventId: event.eventId, type: event.type, providerCheckoutId };
            if (await namesMissingOrder(db, event.checkout.orderId)) {
              // Our id, for an order this database has never held or no longer holds with nothing kept: restored
              // from an earlier backup, or another deployment on the same provider account. Money may be at the
              // provider with no order here: said loudly (docs/decisions/operating.md, "Backing up and restoring").
              logger.warn(
                { ...fields, orderId: event.checkout.orderId },
                'provider webhook names an order id of ours that this database does not hold (restored from an earlier backup? another deployment on the same provider account?): check this payment at the provider; ignored',
              );
            } else {
              logger.info(fields, 'provider webhook about a payment this shop did not start through us; ignored');
            }
            return { outcome: 'not_ours' };
          }
          // Ours, but not matched yet (its provider id not bound): refused so that the provider sends it again.
          throw new AppError('NOT_FOUND', 'No checkout of this shop holds this payment yet; the event was refused, to be sent again.');
        }
        if (namesOtherOrder(event.checkout, checkout))
          return acknowledgeOtherOrder(provider, connectionId, { ...event, checkout: event.checkout }, checkout);
        const state = await settle(loaded, checkout, event.checkout);
        try {
          const { outcome } = await applyCheckoutState(deps, checkout.id, state, { source: `webhook ${event.type}`, webhookEvent: record });
          return { outcome: 'applied', applied: outcome };
        } catch (err) {
          if ((err as { code?: string }).code === 'P2002') return { outcome: 'duplicate' };
          throw err;
        }
      }

      if (event.refund) {
        const checkout = event.refund.paymentReference
          ? await db.paymentCheckout.findFirst({ where: { provider, connectionId, paymentReference: event.refund.paymentReference } })
          : null;
        // Not a live checkout's: perhaps a deleted order's (its refund of late money failing later).
        const kept =
          !checkout && event.refund.paymentReference
            ? await db.deletedOrderCheckout.findFirst({
                where: { provider, connectionId, paymentReference: event.refund.paymentReference },
              })
            : null;
        await withTransaction(db, async (tx) => {
          await recordWebhookEvent(tx, { ...record, checkoutId: checkout?.id ?? kept?.id ?? null, outcome: 'recorded' });
          if (kept) await recordDeletedOrderRefundEvent(tx, deps, kept.id, event.refund!, event.type);
          if (!checkout) return;
          const ctx = { tenantId: checkout.tenantId, actor: { ...systemActor, label: `${provider} webhook` } };
          // The order's row first: a refund job recording this refund (processor-refund.jobs.ts, refundUnapplied)
          // commits wholly before or after this event, so one of the two sees the other (refund-failed-later.ts).
          const order = await lockOrder(tx, checkout.tenantId, checkout.orderId);
          await deps.audit.record(tx, ctx, {
            action: event.refund!.reversal ? 'payment.reversed_by_provider' : PROVIDER_REFUND_AUDIT,
            entityType: 'Order',
            entityId: checkout.orderId,
            after: {
              checkoutId: checkout.id,
              providerRefundId: event.refund!.providerRefundId,
              state: event.refund!.state,
              amountCents: event.refund!.amountCents,
              type: event.type,
            },
          });
          if (event.refund!.state === 'FAILED' && !event.refund!.reversal) {
            // A refund the provider took and later failed (Square refund.updated FAILED): the money did not go
            // back. When our record of it is not there yet, the job finds this event when it records it.
            await providerRefundFailed(tx, deps, ctx, checkout, {
              providerRefundId: event.refund!.providerRefundId,
              amountCents: event.refund!.amountCents,
              currency: order.currency,
              source: event.type,
            });
          }
          if (event.refund!.state === 'COMPLETED' && !event.refund!.reversal) {
            // Refunded in the provider's dashboard: recorded as a refund of the order, and the admins are told.
            await handleRefundMadeAtProvider(tx, deps, ctx, checkout, event.refund!);
          }
          if (event.refund!.reversal) {
            // Money taken back by PayPal or the payer's bank: the admins must know (the order stays as it is).
            const alert: PaymentUnappliedPayload = {
              tenantId: checkout.tenantId,
              orderId: checkout.orderId,
              checkoutId: checkout.id,
              amountCents: event.refund!.amountCents ?? 0,
              currency: order.currency,
              reason: `${provider} reversed the payment (${event.type})`,
              action: 'FLAGGED',
            };
            await deps.bus.emit(tx, EVENTS.paymentUnapplied, alert, { jobKey: `reversed:${event.eventId}` });
          }
        }).catch((err) => {
          if ((err as { code?: string }).code !== 'P2002') throw err;
        });
        return { outcome: 'recorded' };
      }

      if (event.payout !== undefined) {
        // A claim on a BTCPay refund's pull payment: followed until the money reached the customer (refund-claims.ts).
        return { outcome: await applyPayoutEvent(deps, loaded.row.tenantId, record, event.payout) };
      }

      // An event type we do not act on: remembered (de-duplication), answered 200.
      await recordWebhookEvent(db, { ...record, checkoutId: null, outcome: 'ignored' }).catch((err: unknown) => {
        if ((err as { code?: string }).code !== 'P2002') throw err;
      });
      return { outcome: 'ignored' };
    },

    async voidStale(tenantId, orderId) {
      const order = await db.order.findFirst({ where: { id: orderId, tenantId } });
      if (!order) return 0;
      const open = await db.paymentCheckout.findMany({ where: { orderId, state: { in: [...OPEN_CHECKOUT_STATES] } } });
      const stale = open.filter((c) => order.status !== 'PENDING_PAYMENT' || c.orderVersion !== order.version);
      let voided = 0;
      for (const read of stale) {
        const reason =
          order.status !== 'PENDING_PAYMENT' ? `order ${order.status}` : `order changed (version ${read.orderVersion} -> ${order.version})`;
        // Twice at most: a miss because start() gave it the provider's id meanwhile is closed there too, once.
        for (let c: PaymentCheckout | null = read, tries = 0; c && tries < 2; tries++) {
          if (c.providerCheckoutId) {
            const loaded = await connections.load({ id: c.connectionId });
            await loaded.adapter.voidCheckout(loaded.conn, c.providerCheckoutId);
          }
          // Only if nothing was applied meanwhile (a payment that won the race is handled by the ledger), and only with
          // the provider's id it was read with: read while being created (no id, nothing closed at the provider), it
          // may have been opened since, and VOIDED must not claim an invoice still payable at the provider.
          const seen: PaymentCheckout = c;
          const closed = await withTransaction(db, async (tx) => {
            const closed = await tx.paymentCheckout.updateManyAndReturn({
              where: { id: seen.id, state: { in: [...OPEN_CHECKOUT_STATES] }, providerCheckoutId: seen.providerCheckoutId },
              data: { state: 'VOIDED', voidedAt: clock.now(), voidReason: reason },
            });
            // As in retireUncharged: `c.state` was read before the provider call; the write matched whichever it left.
            for (const after of closed) await announceCheckoutLeft(tx, deps.bus, after);
            return closed.length;
          });
          voided += closed;
          if (closed) break;
          // Missed: left the open states (paid, failed: its own), or opened with the provider's id: read again.
          const again: PaymentCheckout | null = await db.paymentCheckout.findUnique({ where: { id: seen.id } });
          c =
            again &&
            (OPEN_CHECKOUT_STATES as readonly string[]).includes(again.state) &&
            again.providerCheckoutId !== seen.providerCheckoutId
              ? again
              : null;
        }
      }
      if (voided) logger.info({ orderId, voided }, 'stale checkouts voided');
      return voided;
    },

    async reconcile(olderThanMinutes, limit = RECONCILE_RUN_LIMIT) {
      // When to ask a provider about an open checkout (`olderThanMinutes`) is this instance's: asking a little early or
      // late judges nothing, the provider answers. Whether a never-charged checkout's window has passed is the
      // database's clock's (checkout-expiry.ts), as every instance and the press read it.
      const cutoff = new Date(clock.now().getTime() - olderThanMinutes * 60_000);
      const dbNow = await databaseNow(db);
      // Least recently taken first, each claimed before anything is done with it (reconcile-reads.ts): a checkout whose
      // read keeps failing, or that stays open for days, no longer comes first every run ahead of newer ones. The claim
      // is dated by the database's clock, not this instance's: the order compares dates other instances wrote.
      const open = await openCheckoutsDueReconcile(db, { cutoff, dbNow }, limit);
      const taken: PaymentCheckout[] = [];
      let changed = 0;
      let errors = 0;
      let expired = 0;
      for (const c of open) {
        try {
          // Taken by a run beside this one, or closed meanwhile: nothing for this run to do.
          if (!(await claimReconcileRead(db, c))) continue;
          taken.push(c);
          const due = c.createdAt < cutoff;
          if (!c.providerCheckoutId) {
            // Given up on by the rule a press uses (double-tap.ts abandonedIds): past the time its provider call can
            // take, read by the database's clock. This instance's clock running ahead failed a checkout another
            // instance was still opening; a fixed 5 minutes kept one no process was opening.
            if (!(await abandonedIds(db, [c], createMaxMs)).has(c.id)) continue;
            // The provider call never answered: nothing the buyer could pay exists on our side.
            await db.paymentCheckout.updateMany({
              where: { id: c.id, state: 'CREATING' },
              data: { state: 'FAILED', providerStatus: NEVER_CREATED_STATUS },
            });
            continue;
          }
          if (c.providerCheckoutId === c.id) {
            // Never charged: the provider has no record to ask about (GetPayment by our id is always 404). Its
            // window is ours: retired once past the time the admin post states, by the database's clock (checked
            // again by the retiring write).
            if (stillOpenAt(c, dbNow)) continue;
            const outcome = await retireUncharged(c);
            if (outcome !== 'open') changed++;
            if (outcome === 'expired') expired++;
            continue;
          }
          if (!due) continue;
          const loaded = await connections.load({ id: c.connectionId });
          const read = await loaded.adapter.getCheckout(loaded.conn, c.providerCheckoutId, { paymentReference: c.paymentReference });
          if (await leftForOtherOrder(c.provider, read, c, 'reconciliation')) continue;
          const state = await settle(loaded, c, read);
          const { checkout } = await applyCheckoutState(deps, c.id, state, { source: 'reconciliation' });
          if (checkout.state !== c.state) changed++;
        } catch (err) {
          errors++;
          logger.warn({ err, checkoutId: c.id }, 'reconciliation could not check a checkout; next run tries again');
        }
      }
      // Closed checkouts, and deleted orders' kept ones, that can still take money (late-money.ts): each read dated, and
      // judged due again, by the database's clock, as the open ones' claims are; their windows are this instance's.
      let late = 0;
      for (const c of await closedCheckoutsDue(db, clock.now(), olderThanMinutes, 200)) {
        late++;
        try {
          if (await lookForLateMoney(c)) changed++;
        } catch (err) {
          errors++;
          logger.warn({ err, checkoutId: c.id }, 'reconciliation could not check a closed checkout; it is asked again later');
        }
        await recordLateMoneyRead(db, 'payment_checkouts', c.id);
      }
      for (const c of await deletedOrderCheckoutsDue(db, clock.now(), olderThanMinutes, 200)) {
        late++;
        try {
          if (await lookForDeletedOrderMoney(c)) changed++;
        } catch (err) {
          errors++;
          logger.warn({ err, checkoutId: c.id }, "reconciliation could not check a deleted order's checkout; it is asked again later");
        }
        await recordLateMoneyRead(db, 'deleted_order_checkouts', c.id);
      }
      return { checked: taken.filter((c) => c.createdAt < cutoff || isUncharged(c)).length, changed, errors, expired, late };
    },

    async refundUnapplied(checkoutId, job) {
      const c = await db.paymentCheckout.findUnique({ where: { id: checkoutId } });
      if (!c || c.unappliedAction !== 'REFUND_PENDING' || !c.paymentReference || !c.providerCheckoutId) return;
      const amountCents = c.paidAmountCents ?? 0;
      const ctx = { tenantId: c.tenantId, actor: { ...systemActor, label: `${c.provider} refund of unapplied payment` } };
      const loaded = await connections.load({ id: c.connectionId });
      try {
        const refund = await loaded.adapter.refund(loaded.conn, {
          paymentReference: c.paymentReference,
          providerCheckoutId: c.providerCheckoutId,
          amountCents,
          currency: c.currency,
          full: true,
          idempotencyKey: unappliedRefundKey(c.id),
          reason: `Payment could not be applied: ${c.unappliedReason ?? 'order changed'}`,
        });
        await withTransaction(db, async (tx) => {
          // The order's row, as the refund webhook takes it: its FAILED event is seen here or sees this record.
          const order = await lockOrder(tx, c.tenantId, c.orderId);
          await tx.paymentCheckout.update({
            where: { id: c.id },
            data: { unappliedAction: refund.state === 'CLAIM_SENT' ? 'CLAIM_SENT' : 'REFUND_SENT' },
          });
          await deps.audit.record(tx, ctx, {
            action: UNAPPLIED_AUDIT.refunded,
            entityType: 'Order',
            entityId: c.orderId,
            after: {
              checkoutId: c.id,
              amountCents,
              providerRefundId: refund.providerRefundId,
              providerStatus: refund.providerStatus,
              claimUrl: refund.claimUrl ? 'sent' : undefined,
            },
          });
          const alert: PaymentUnappliedPayload = {
            tenantId: c.tenantId,
            orderId: c.orderId,
            checkoutId: c.id,
            amountCents,
            currency: c.currency,
            reason: c.unappliedReason ?? '',
            action: 'REFUNDED',
          };
          await deps.bus.emit(tx, EVENTS.paymentUnapplied, alert, { jobKey: `unapplied-done:${c.id}` });
          // BTCPay: the customer receives it only by claiming it with their address: they get the link by DM.
          if (refund.state === 'CLAIM_SENT' && refund.claimUrl) {
            const claim: RefundClaimLinkPayload = {
              tenantId: c.tenantId,
              orderId: c.orderId,
              refundId: c.id,
              amountCents,
              currency: c.currency,
              claimUrl: refund.claimUrl,
              customerId: order.customerId,
              orderNumber: order.number,
              // The claim link is the customer's one message about this money: it says why it could not be used.
              lateMoneyCause: await keptLateMoneyCause(tx, order, c),
            };
            await deps.bus.emit(tx, EVENTS.refundClaimLink, claim, { jobKey: `refund-claim:${c.id}` });
          }
          // The provider may have failed this refund before we got here (its webhook beat this transaction).
          const failed = await failureReportedByProvider(tx, c, refund.providerRefundId);
          if (failed) {
            const error = refundFailedError(c.provider, refund.providerRefundId, failed.type);
            await flagUnappliedRefundFailed(tx, deps, c.id, ctx, refund.providerRefundId, error);
          }
        });
      } catch (err) {
        const permanent = err instanceof ProviderRejectedError;
        if (!permanent && job.attempt < job.maxAttempts) throw err;
        const error = err instanceof Error ? err.message : String(err);
        await withTransaction(db, (tx) => flagUnapplied(tx, deps, c, ctx, error));
        if (!permanent) throw err;
      }
    },
  };
  return service;
}
