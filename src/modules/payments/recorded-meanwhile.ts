// A receipt typed from what an admin saw is refused when money was recorded on the order since (payments.recordReceipt,
// under the order's row lock): the one rule is "the amount received is still what the admin saw". It covers two admins
// recording the same transfer (one would record it twice) and two recording an extra payment on an order already paid
// (both saw nothing owed, so only the amount received tells them apart). The refusal says what was recorded meanwhile
// and by whom (in the words of the surface it is read on: recordedBy), and that nothing was recorded twice. A rejection
// from a form that showed an amount received is refused by the same rule, in its own words (REJECT_NOT_DONE): the
// admin rejected an order they saw without that money (reject-payment.command.ts).
// One clock: the database's. A receipt is dated by it when written (record-receipt.command.ts, confirm-payment.command.ts,
// under the order's row lock), and a command's send time is put on it here (onDatabaseClock), so instances whose clocks
// differ from each other or from PostgreSQL's judge the same receipt alike.
import type { ActorType, Order, PaymentReceipt } from '../../generated/prisma/index.js';
import type { Clock } from '../../platform/clock.js';
import { onDatabaseClock } from '../../platform/db/database-now.js';
import type { Tx } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import { formatMoney } from '../../platform/money.js';
import { orderLabel, owedCents } from '../orders/index.js';
import { newestMakingUp } from '../shared/newest-making-up.js';
import { actorsForReader } from '../audit/actors-for-reader.js';

/**
 * What the admin saw: the amount received a form showed (receivedCents), or, for a command with no screen before it
 * (/payment-confirm), the moment they sent it, read on this instance's clock (every receipt recorded after it is one
 * they could not have known of).
 */
export type SeenReceived = { receivedCents: number } | { sentAt: Date };

/** What a refusal says was not done, and what to do, after money recorded meanwhile or an amount that never matched. */
export type NotDone = { meanwhile: string; notMatching: string };
export const RECEIPT_NOT_DONE: NotDone = {
  meanwhile: 'This was not recorded, so nothing counts twice. Check the order, then record again if this is another payment.',
  notMatching: 'This was not recorded. Check the order, then record again if this is another payment.',
};
const notRejected =
  'The payment was not rejected and the order was not cancelled. Check the order, then reject it again if it should still be.';
export const REJECT_NOT_DONE: NotDone = { meanwhile: notRejected, notMatching: notRejected };

type Meanwhile = Pick<PaymentReceipt, 'amountCents' | 'actorType' | 'actorId' | 'createdAt'>;

/**
 * Who reads a refusal: the actor type of the one whose receipt it refuses, as their surface shows people. A Discord
 * admin reads it in Discord, which shows a mention as the member's name; everyone else (the panel, the REST API)
 * reads plain words, where a mention would show as a raw `<@id>`.
 */
export type RefusalReader = ActorType;

/**
 * Who recorded a receipt, in the words of a refusal read by `reader` (audit/actors-for-reader.ts: a mention for a reader
 * in Discord; for anyone else as the order's history names them). An online payment's receipt (SYSTEM) is "an online
 * payment".
 */
function recordedBy(tx: Tx, tenantId: string, receipts: readonly Meanwhile[], reader: RefusalReader): Promise<string> {
  return actorsForReader(tx, tenantId, receipts, reader, () => 'an online payment');
}

/**
 * Refuses (CONFLICT, nothing recorded) when money was recorded on the locked `order` since the admin saw it, in the
 * words of `reader`. Called inside recordReceipt's transaction, after the order's row lock. `clock` is the one a
 * `sentAt` was read on.
 */
export async function refuseIfRecordedMeanwhile(
  tx: Tx,
  order: Order,
  seen: SeenReceived,
  reader: RefusalReader,
  clock: Clock,
): Promise<void> {
  const refusal = await recordedMeanwhileRefusal(tx, order, seen, reader, clock);
  if (refusal) throw refusal;
}

/**
 * The refusal a receipt from what the admin saw would get on `order` now (refuseIfRecordedMeanwhile), or null when
 * the order has still received what they saw. For a caller that answers before anything is typed (the admin post's
 * "Record amount received" pressed on a post drawn before money was recorded).
 */
export async function recordedMeanwhileRefusal(
  tx: Tx,
  order: Order,
  seen: SeenReceived,
  reader: RefusalReader,
  clock: Clock,
  notDone: NotDone = RECEIPT_NOT_DONE,
): Promise<AppError | null> {
  const receipts = await tx.paymentReceipt.findMany({
    where: { orderId: order.id, tenantId: order.tenantId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: { amountCents: true, actorType: true, actorId: true, createdAt: true },
  });
  let meanwhile: Meanwhile[];
  let receivedSeen: number;
  if ('sentAt' in seen) {
    // The send time on the database's clock, the one the receipts are dated by.
    const sentAt = await onDatabaseClock(tx, seen.sentAt, clock);
    meanwhile = receipts.filter((r) => r.createdAt > sentAt);
    receivedSeen = order.amountReceivedCents - meanwhile.reduce((s, r) => s + r.amountCents, 0);
  } else {
    receivedSeen = seen.receivedCents;
    if (order.amountReceivedCents === receivedSeen) return null;
    // The newest receipts that make up the difference: the ones recorded since the form was opened. None do when
    // the amount sent is more than the order has received, or is no amount it had (a caller's wrong number): then
    // the amount sent does not match, and the refusal says so and what the order has received.
    const since = newestMakingUp(receipts, order.amountReceivedCents - receivedSeen);
    if (!since) return receivedNotMatching(order, receivedSeen, notDone);
    meanwhile = since;
  }
  if (order.amountReceivedCents === receivedSeen) return null;
  return recordedMeanwhile(order, {
    receivedSeen,
    meanwhile,
    by: meanwhile.length ? await recordedBy(tx, order.tenantId, meanwhile, reader) : null,
    notDone,
  });
}

type OrderNow = Pick<Order, 'number' | 'totalCents' | 'amountReceivedCents' | 'currency'>;

/** Where the order stands now: "nothing still owed ($55.00 received)". */
function standing(order: OrderNow): string {
  const m = (c: number) => formatMoney(c, order.currency);
  const owed = owedCents(order);
  return `${owed > 0 ? `${m(owed)} still owed` : 'nothing still owed'} (${m(order.amountReceivedCents)} received)`;
}

/**
 * A refusal of this file: its headline (what happened, in words every surface can use) is also details.headline,
 * so a surface that words the rest its own way (the REST API: read the order again) takes it as it is.
 */
function refusal(order: OrderNow, headline: string, tail: string, details: Record<string, unknown>): AppError {
  return new AppError('CONFLICT', `${headline} ${tail}`, {
    headline,
    receivedCents: order.amountReceivedCents,
    owedCents: owedCents(order),
    ...details,
  });
}

/** The refusal of an amount received sent that the order does not have and never had since: no money recorded meanwhile explains it. */
function receivedNotMatching(order: OrderNow, receivedSent: number, notDone: NotDone): AppError {
  const m = (c: number) => formatMoney(c, order.currency);
  return refusal(
    order,
    `The amount received sent with this (${m(receivedSent)}) does not match what order ${orderLabel(order)} has received: ${m(order.amountReceivedCents)} (${owedCents(order) > 0 ? `${m(owedCents(order))} still owed` : 'nothing still owed'}).`,
    notDone.notMatching,
    { receivedCentsShown: receivedSent, recordedMeanwhile: [] },
  );
}

/** The refusal: where the order stands now, what was recorded meanwhile and by whom, that nothing was recorded twice. */
export function recordedMeanwhile(
  order: OrderNow,
  opts: { receivedSeen?: number; owedSeen?: number; meanwhile?: readonly Meanwhile[]; by: string | null; notDone?: NotDone },
): AppError {
  const m = (c: number) => formatMoney(c, order.currency);
  const meanwhileCents = (opts.meanwhile ?? []).reduce((s, r) => s + r.amountCents, 0);
  const what = opts.by && meanwhileCents > 0 ? `${opts.by} recorded ${m(meanwhileCents)} meanwhile` : 'someone recorded money meanwhile';
  return refusal(order, `Order ${orderLabel(order)} now has ${standing(order)}: ${what}.`, (opts.notDone ?? RECEIPT_NOT_DONE).meanwhile, {
    ...(opts.receivedSeen !== undefined ? { receivedCentsShown: opts.receivedSeen } : {}),
    ...(opts.owedSeen !== undefined ? { owedCentsShown: opts.owedSeen } : {}),
    recordedMeanwhile: (opts.meanwhile ?? []).map((r) => ({
      amountCents: r.amountCents,
      actorType: r.actorType,
      actorId: r.actorId,
      createdAt: r.createdAt.toISOString(),
    })),
  });
}
