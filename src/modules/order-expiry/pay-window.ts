// The pay window of an unpaid order, as rules (pure, no I/O): how long each payment method gives the
// customer, when the reminder goes out and when the order is cancelled as expired.
//
// Defaults (a shop overrides any of them in Shop settings -> "Pay windows", tenants.paymentWindowMinutes):
// - processor checkouts (PayPal, Cash App Pay through Square, Bitcoin invoices through BTCPay): 4 hours.
//   The customer pays on a page we link them to; a few hours covers "pay after dinner" without holding
//   stock for a buyer who left. (BTCPay's own invoice expires sooner; a new one is opened from the link.)
// - manual P2P methods (Venmo, Zelle, Cash App $cashtag, Apple Cash, ...): 2 days. The money moves outside
//   Ledgerline and an admin confirms it by hand, often the next day.
// The reminder goes out when half the window is left; the order expires at the end of the window.
import { z } from 'zod';
import { PaymentMethod } from '../../generated/prisma/index.js';
import { isProcessorMethod } from '../payments-processor/connections/provider-definitions.js';

export const PROCESSOR_PAY_WINDOW_MINUTES = 4 * 60;
export const MANUAL_PAY_WINDOW_MINUTES = 2 * 24 * 60;
/** Bounds of a window a shop may set: at least 15 minutes, at most 30 days. */
export const MIN_PAY_WINDOW_MINUTES = 15;
export const MAX_PAY_WINDOW_MINUTES = 30 * 24 * 60;
/** Longest an admin may push a deadline in one go (from now). */
export const MAX_EXTENSION_MINUTES = 90 * 24 * 60;
/** When money is on its way at the deadline (a checkout APPROVED or PENDING), the expiry waits this long and looks again. */
export const IN_FLIGHT_GRACE_MINUTES = 60;

/** The bounds in words, for the panel's refusal. */
export const PAY_WINDOW_RULE = `from ${MIN_PAY_WINDOW_MINUTES} minutes to ${MAX_PAY_WINDOW_MINUTES / 1440} days (${MAX_PAY_WINDOW_MINUTES.toLocaleString('en-US')} minutes), in whole minutes`;

const windowMinutes = z
  .number({ error: PAY_WINDOW_RULE })
  .int(PAY_WINDOW_RULE)
  .min(MIN_PAY_WINDOW_MINUTES, PAY_WINDOW_RULE)
  .max(MAX_PAY_WINDOW_MINUTES, PAY_WINDOW_RULE);

/** tenants.paymentWindowMinutes: only the methods the shop overrides. */
export const payWindowOverrides = z.partialRecord(z.enum(PaymentMethod), windowMinutes).describe('minutes per payment method');
export type PayWindowOverrides = z.infer<typeof payWindowOverrides>;

export function defaultPayWindowMinutes(method: PaymentMethod): number {
  return isProcessorMethod(method) ? PROCESSOR_PAY_WINDOW_MINUTES : MANUAL_PAY_WINDOW_MINUTES;
}

/**
 * The window for `method` in a shop: its override when it has a valid one, else the default. A stored
 * value that is not valid (written before a bound changed) falls back to the default rather than failing.
 */
export function payWindowMinutes(stored: unknown, method: PaymentMethod): number {
  const own = stored && typeof stored === 'object' ? (stored as Record<string, unknown>)[method] : undefined;
  const parsed = windowMinutes.safeParse(own);
  return parsed.success ? parsed.data : defaultPayWindowMinutes(method);
}

const MINUTE = 60_000;

/**
 * The deadline of an order first scheduled at `now`: the end of its window counted from when it was
 * placed, but never sooner than half a window from `now`, so an order scheduled late (the job queue was
 * down, an order from before pay windows existed) still gets its reminder and time to act on it.
 */
export function initialDueAt(placedAt: Date, windowMin: number, now: Date): Date {
  return new Date(Math.max(placedAt.getTime() + windowMin * MINUTE, now.getTime() + (windowMin * MINUTE) / 2));
}

/** When the reminder goes out: half the window before the deadline, or now if that moment has passed. */
export function reminderAt(dueAt: Date, windowMin: number, now: Date): Date {
  return new Date(Math.max(dueAt.getTime() - (windowMin * MINUTE) / 2, now.getTime()));
}

/** What an admin may ask for: push the deadline by some minutes (from the current deadline, or from now when it passed), or to a moment. */
export const extendInput = z.union([
  z.strictObject({ extendByMinutes: z.number().int().min(1).max(MAX_EXTENSION_MINUTES) }),
  z.strictObject({ until: z.coerce.date() }),
]);
export type ExtendInput = z.input<typeof extendInput>;

/**
 * The new deadline of an extension. `until` must be in the future and within MAX_EXTENSION_MINUTES of now;
 * `extendByMinutes` adds to the current deadline (or to now, when there is none yet or it already passed).
 * Null when `until` is out of bounds (the caller says why).
 */
export function extendedDueAt(current: Date | null, input: z.output<typeof extendInput>, now: Date): Date | null {
  const latest = now.getTime() + MAX_EXTENSION_MINUTES * MINUTE;
  if ('until' in input) {
    const t = input.until.getTime();
    return Number.isNaN(t) || t <= now.getTime() || t > latest ? null : input.until;
  }
  const from = Math.max(current?.getTime() ?? 0, now.getTime());
  return new Date(Math.min(from + input.extendByMinutes * MINUTE, latest));
}

/** A reminder is sent only while the order still waits for payment by the deadline it was scheduled for. */
export function reminderStillDue(order: { status: string; paymentDueAt: Date | null }, dueAtIso: string): boolean {
  return order.status === 'PENDING_PAYMENT' && order.paymentDueAt?.getTime() === new Date(dueAtIso).getTime();
}
