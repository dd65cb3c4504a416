// When an open checkout that nobody pays closes by itself: the one rule the order's admin post states
// (order-checkout-now.ts, admin-order.view.ts) and the reconciliation acts on (checkout.service.ts reconcile), so the
// time the admins read is the time it happens. Per provider:
// - Square (Cash App Pay), never charged: nothing exists at Square before the buyer's token is charged, so the window is
//   ours: UNCHARGED_CHECKOUT_WINDOW_MINUTES after it opened, the reconciliation retires it (EXPIRED) on its first run
//   past that time (every few minutes).
// - BTCPay: the invoice's expirationTime, as BTCPay answered it when the invoice was created (we ask for the
//   adapter's expirationMinutes); BTCPay moves the invoice to Expired then, and its webhook or the reconciliation's
//   next read closes the checkout (EXPIRED).
// - PayPal: unknown. PayPal publishes no lifetime for an order the buyer never approved; it answers 404 once it has
//   forgotten one, and the reconciliation then closes it (EXPIRED). Null here: the post says only that.
// Whether such a time has passed is read by the database's clock (platform/db/database-now.ts databaseNow), never an
// instance's: a checkout's `createdAt` is the database's (CheckoutService.start), and several instances whose clocks
// differ by seconds or more must judge a checkout alike (one running behind sent a press back to a Cash App Pay
// checkout past its window; one running ahead retired one the buyer was still paying). BTCPay's `expiresAt` is
// BTCPay's own time; the database's clock is the one our side reads it by, and BTCPay itself closes the invoice (its
// webhook, or the reconciliation's read).
import type { PaymentCheckout } from '../../../generated/prisma/index.js';

/** How long a buyer has to approve a checkout that is charged from our page (Square's Cash App Pay). */
export const UNCHARGED_CHECKOUT_WINDOW_MINUTES = 60;

/** A checkout still named by our own id: nothing at the provider yet (Square before its token is charged). */
export const isUncharged = (c: Pick<PaymentCheckout, 'id' | 'providerCheckoutId'>): boolean => c.providerCheckoutId === c.id;

/**
 * When the open checkout closes by itself if nobody pays it, or null when that time is not known to us (PayPal, or a
 * checkout the provider has not answered for yet).
 */
export function unpaidCheckoutClosesAt(c: Pick<PaymentCheckout, 'id' | 'providerCheckoutId' | 'createdAt' | 'expiresAt'>): Date | null {
  if (isUncharged(c)) return new Date(c.createdAt.getTime() + UNCHARGED_CHECKOUT_WINDOW_MINUTES * 60_000);
  return c.expiresAt;
}

/** An uncharged checkout (Square) made before this is past its window at `now` (databaseNow): retired by the reconciliation. */
export const unchargedOpenedBefore = (now: Date): Date => new Date(now.getTime() - UNCHARGED_CHECKOUT_WINDOW_MINUTES * 60_000);

/** Whether an open checkout still takes money at `now` (databaseNow) by the rule above (a time not known to us: yes). */
export function stillOpenAt(c: Pick<PaymentCheckout, 'id' | 'providerCheckoutId' | 'createdAt' | 'expiresAt'>, now: Date): boolean {
  const closesAt = unpaidCheckoutClosesAt(c);
  return !closesAt || closesAt.getTime() > now.getTime();
}

/**
 * A checkout being created (CREATING) is being created only while its provider call can still answer: past the
 * adapter's own timeouts (`createCheckoutMaxMs`, over every request createCheckout makes) plus this margin (reading
 * the connection before the call, writing the answer after it), the process that recorded it died. A press of Pay
 * then proceeds, failing it (double-tap.ts); the reconciliation fails those nobody pressed again for. Its age is read
 * by the database's clock (its `createdAt` is the database's too, CheckoutService.start): two instances whose clocks
 * disagree would otherwise disagree on it, one failing a checkout the other is still opening.
 */
export const CREATING_MARGIN_MS = 60_000;

/** What a checkout the provider never answered for is marked with when it is failed (FAILED). */
export const NEVER_CREATED_STATUS = 'never created';

/** How long a checkout of a provider whose createCheckout takes at most `createCheckoutMaxMs` may stay CREATING. */
export const creatingWindowMs = (createCheckoutMaxMs: number): number => createCheckoutMaxMs + CREATING_MARGIN_MS;
