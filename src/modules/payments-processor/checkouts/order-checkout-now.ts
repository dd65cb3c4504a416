// What an order's processor checkouts mean to the shop's staff now, and when that changes:
// - `orderCheckoutNow` is the one read of it (the order's admin-channel post derives its words and buttons from it):
//   money on its way (APPROVED/PENDING: a PayPal eCheck clearing, a BTCPay invoice confirming), else a checkout the
//   customer can still pay (OPEN), else nothing;
// - `announceCheckoutState` is the one rule for when a checkout's state change is news to them: it emits
//   payment.checkout_state_changed (the admin post is edited) when the checkout enters or leaves one of those
//   states. Every write that can move a checkout into or out of them calls it, in the write's transaction
//   (checkout-ledger.ts, and checkout.service.ts where it opens, fails, expires or voids one; its closing writes
//   through `announceCheckoutLeft`).
import type { CheckoutState, PaymentCheckout, PaymentMethod, PaymentProvider } from '../../../generated/prisma/index.js';
import type { Db, Tx } from '../../../platform/db/prisma.js';
import type { EventBus } from '../../../platform/jobs/queue.js';
import { EVENTS, type CheckoutStateChangedPayload } from '../../shared/events.js';
import { unpaidCheckoutClosesAt } from './checkout-expiry.js';
import { IN_FLIGHT_CHECKOUT_STATES } from './money-in-flight.query.js';

/** The states the staff are shown: money on its way, or a checkout the customer can still pay. */
const SHOWN_STATES = ['OPEN', ...IN_FLIGHT_CHECKOUT_STATES] as const;
type ShownState = (typeof SHOWN_STATES)[number];

const isShown = (state: CheckoutState | string): state is ShownState => (SHOWN_STATES as readonly string[]).includes(state);
const isInFlight = (state: string): boolean => (IN_FLIGHT_CHECKOUT_STATES as readonly string[]).includes(state);

export interface OrderCheckoutNow {
  checkoutId: string;
  provider: PaymentProvider;
  method: PaymentMethod;
  /** OPEN: the customer can pay it; APPROVED/PENDING: its money is on its way. */
  state: ShownState;
  /** What it charges (what the order owed when it opened). */
  amountCents: number;
  currency: string;
  /** Since when: its money first seen on its way (in flight), or when it was opened (OPEN). */
  since: Date;
  /**
   * OPEN: when it closes by itself if nobody pays (checkout-expiry.ts, the rule the reconciliation acts on); null
   * when that is not known to us (PayPal), and while its money is on its way.
   */
  closesAt: Date | null;
}

/**
 * The order's checkout the staff should know about, in one query: the newest with money on its way, else the newest
 * the customer can still pay; null when there is neither (none opened, or all paid, failed, voided or expired).
 */
export async function orderCheckoutNow(db: Db | Tx, tenantId: string, orderId: string): Promise<OrderCheckoutNow | null> {
  const live = await db.paymentCheckout.findMany({
    where: { tenantId, orderId, state: { in: [...SHOWN_STATES] } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
  const c = live.find((x) => isInFlight(x.state)) ?? live[0];
  if (!c || !isShown(c.state)) return null;
  return {
    checkoutId: c.id,
    provider: c.provider,
    method: c.method,
    state: c.state,
    amountCents: c.amountCents,
    currency: c.currency.trim(),
    since: isInFlight(c.state) ? (c.inFlightAt ?? c.updatedAt) : c.createdAt,
    closesAt: isInFlight(c.state) ? null : unpaidCheckoutClosesAt(c),
  };
}

/**
 * Emits payment.checkout_state_changed, in `tx`, when the checkout moved into or out of a state the staff are shown
 * (nothing for CREATING -> FAILED, a checkout no one could pay). Its job runs in the shop's admin-channel lane,
 * which keeps no job key: a second event for the same state is a second refresh, which changes nothing.
 */
export async function announceCheckoutState(
  tx: Tx,
  bus: Pick<EventBus, 'emit'>,
  before: CheckoutState,
  after: Pick<PaymentCheckout, 'id' | 'tenantId' | 'orderId' | 'state'>,
): Promise<void> {
  if (before === after.state || (!isShown(before) && !isShown(after.state))) return;
  const payload: CheckoutStateChangedPayload = {
    tenantId: after.tenantId,
    orderId: after.orderId,
    checkoutId: after.id,
    state: after.state,
  };
  await bus.emit(tx, EVENTS.checkoutStateChanged, payload);
}

/**
 * announceCheckoutState for a write that closes a checkout (FAILED, VOIDED, EXPIRED) whatever open state it matched
 * (CREATING or OPEN; voidStale's also APPROVED or PENDING). The state it left is the one the write matched, not one read
 * before it (a provider call may have opened it since), so it is announced as leaving a shown state: a refresh too many
 * changes nothing, one too few would leave the post naming a checkout that is gone.
 */
export function announceCheckoutLeft(
  tx: Tx,
  bus: Pick<EventBus, 'emit'>,
  after: Pick<PaymentCheckout, 'id' | 'tenantId' | 'orderId' | 'state'>,
): Promise<void> {
  return announceCheckoutState(tx, bus, 'OPEN', after);
}

/** `inFlightAt` for a checkout moving from `before` to `next`: set when its money is first seen on its way. */
export function inFlightAtFor(before: Pick<PaymentCheckout, 'state' | 'inFlightAt'>, next: string, now: Date): Date | null {
  if (!isInFlight(next)) return before.inFlightAt;
  return isInFlight(before.state) && before.inFlightAt ? before.inFlightAt : now;
}
