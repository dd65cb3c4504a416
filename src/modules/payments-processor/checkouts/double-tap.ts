// A press of Pay that finds an earlier press's checkout (a double tap): where the buyer is sent instead of opening a
// second one. Read in CheckoutService.start's transaction, under the order's row lock, and by the page the second
// press is shown while the first's checkout is still being opened (CheckoutService.pressLanding).
// - Being opened (CREATING) for the same method, order version and amount: the second press waits on the first
//   (its page refreshes itself until the first is open). One older than its provider call can take
//   (checkout-expiry.ts creatingWindowMs, by the database's clock) was left by a process that died: failed here, and
//   the press proceeds.
// - Open for the same method, version and amount, opened since this press began (an OPEN one from before is a page
//   the buyer left: a new press opens a new one, as before), and still open by checkout-expiry.ts (read by the
//   database's clock, like the CREATING rule: an instance's clock behind sent a press to a checkout already closed,
//   one ahead opened a second checkout beside one still open): the second press goes where the first did, the
//   provider's page as it answered the create (`redirectUrl`). Never a second provider call: PayPal would make a
//   second order (each checkout carries its own invoice_id, paypal.adapter.ts).
// - Square (Cash App Pay) never charged: nothing exists at Square, so any such open one of this amount is the
//   buyer's, early press or late; the press goes to its page on our invoice (redirectUrl null).
import type { PaymentCheckout, PaymentMethod, PaymentProvider } from '../../../generated/prisma/index.js';
import type { Db, Tx } from '../../../platform/db/prisma.js';
import { databaseNow, SQL_DATABASE_NOW } from '../../../platform/db/database-now.js';
import { creatingWindowMs, isUncharged, NEVER_CREATED_STATUS, stillOpenAt } from './checkout-expiry.js';

export type EarlierPress =
  { kind: 'landed'; checkout: PaymentCheckout; redirectUrl: string | null } | { kind: 'opening'; checkout: PaymentCheckout };

/** The longest a provider's createCheckout can take (ProviderAdapter.createCheckoutMaxMs). */
export type CreateMaxMs = (provider: PaymentProvider) => number;

/**
 * Where a press sent to this open checkout lands at `now` (the database's, databaseNow): our Cash
 * App Pay page (null) or the provider's; undefined: nowhere.
 */
export function landingOf(c: PaymentCheckout, now: Date): { redirectUrl: string | null } | undefined {
  if (c.state !== 'OPEN' || !c.providerCheckoutId || !stillOpenAt(c, now)) return undefined;
  if (isUncharged(c)) return { redirectUrl: null };
  return c.redirectUrl ? { redirectUrl: c.redirectUrl } : undefined;
}

/**
 * The ids of those of these checkouts still CREATING that a process that died left (their provider call cannot still
 * answer). Their age is the database's clock's, as their `createdAt` is: every instance reads it alike.
 */
export async function abandonedIds(tx: Db | Tx, checkouts: readonly PaymentCheckout[], createMaxMs: CreateMaxMs): Promise<Set<string>> {
  const creating = checkouts.filter((c) => c.state === 'CREATING');
  if (!creating.length) return new Set();
  const ids = creating.map((c) => c.id);
  const windowSecs = creating.map((c) => creatingWindowMs(createMaxMs(c.provider)) / 1000);
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT c.id FROM payment_checkouts c JOIN unnest(${ids}::text[], ${windowSecs}::float8[]) AS w(id, secs) ON w.id = c.id
    WHERE c.state = 'CREATING' AND c."createdAt" <= ${SQL_DATABASE_NOW} - make_interval(secs => w.secs)`;
  return new Set(rows.map((r) => r.id));
}

/** What the press's transaction found: an earlier press's checkout (or null), and the database's now it judged at. */
export interface PressFinding {
  earlier: EarlierPress | null;
  /** The press's transaction's time (databaseNow): the time a new checkout of it is dated with (its `createdAt`). */
  now: Date;
}

/**
 * Read in the press's transaction, whose database time (databaseNow, read here once) every window here is judged at,
 * and returned with what it found so the new checkout is dated by the same read (no second round trip under the
 * order's lock). Callers take the time from here, never from an instance's clock.
 */
export async function earlierPress(
  tx: Tx,
  createMaxMs: CreateMaxMs,
  press: { orderId: string; method: PaymentMethod; orderVersion: number; amountCents: number; openBefore: readonly string[] },
): Promise<PressFinding> {
  const now = await databaseNow(tx);
  const same = { orderId: press.orderId, method: press.method, orderVersion: press.orderVersion, amountCents: press.amountCents };
  const creating = await tx.paymentCheckout.findMany({ where: { ...same, state: 'CREATING' }, orderBy: { createdAt: 'desc' } });
  const abandoned = await abandonedIds(tx, creating, createMaxMs);
  if (abandoned.size)
    await tx.paymentCheckout.updateMany({
      where: { id: { in: [...abandoned] }, state: 'CREATING' },
      data: { state: 'FAILED', providerStatus: NEVER_CREATED_STATUS },
    });
  const live = creating.find((c) => !abandoned.has(c.id));
  if (live) return { earlier: { kind: 'opening', checkout: live }, now };
  const open = await tx.paymentCheckout.findMany({ where: { ...same, state: 'OPEN' }, orderBy: { createdAt: 'desc' } });
  for (const c of open) {
    const landing = landingOf(c, now);
    if (landing && isUncharged(c)) return { earlier: { kind: 'landed', checkout: c, redirectUrl: landing.redirectUrl }, now };
    if (press.openBefore.includes(c.id)) continue;
    // Opened since this press began: the first press's. Without a stored landing (opened before it was kept), told.
    const earlier: EarlierPress = landing
      ? { kind: 'landed', checkout: c, redirectUrl: landing.redirectUrl }
      : { kind: 'opening', checkout: c };
    return { earlier, now };
  }
  return { earlier: null, now };
}
