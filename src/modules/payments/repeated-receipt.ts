// /payment-confirm amount: typed again after the first was recorded (the admin unsure it went through, or a command
// sent twice from the history) recorded the money twice: a command has no screen before it, and one sent after the
// first receipt is told apart from a second transfer of the same amount by nothing but the admin's word. So the same
// admin sending the same amount for the same order within REPEAT_WINDOW_MS is asked first (RECEIPT_CONFIRMATION_REQUIRED,
// nothing recorded); their confirmation records it as another payment, checked against the amount received the
// question showed (recorded-meanwhile.ts), so a confirmation pressed twice records once. Checked in recordReceipt's
// transaction, under the order's row lock.
// "Within REPEAT_WINDOW_MS" is read by the database's clock (platform/db/database-now.ts), as every instance reads
// it: by the handling instance's, a repeat sent at once on an instance 11 minutes ahead looked 11 minutes late and
// was recorded twice, and one 15 minutes late on an instance 11 minutes behind was asked about.
import type { Order } from '../../generated/prisma/index.js';
import { databaseNow } from '../../platform/db/database-now.js';
import type { Tx } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import { formatMoney } from '../../platform/money.js';
import { orderLabel, owedCents } from '../orders/index.js';
import type { Actor } from '../shared/actor.js';

/** How long after a receipt the same admin's same amount for the same order is asked about, not recorded. */
export const REPEAT_WINDOW_MS = 10 * 60_000;

/** The details of a RECEIPT_CONFIRMATION_REQUIRED error: the receipt it repeats and the order now. */
export interface RepeatedReceiptDetails {
  orderId: string;
  amountCents: number;
  /** When the receipt it repeats was recorded (ISO). */
  recordedAt: string;
  /** What the order has received now: a confirmation sends it back as the amount received it saw. */
  receivedCents: number;
  owedCents: number;
}

/**
 * Refuses (RECEIPT_CONFIRMATION_REQUIRED, nothing recorded) `amountCents` on the locked `order` when `actor` recorded
 * that same amount on it within REPEAT_WINDOW_MS before the database's now (the transaction's).
 */
export async function askIfRepeated(tx: Tx, order: Order, actor: Actor, amountCents: number): Promise<void> {
  if (!actor.id) return;
  const now = await databaseNow(tx);
  const same = await tx.paymentReceipt.findFirst({
    where: {
      tenantId: order.tenantId,
      orderId: order.id,
      actorType: actor.type,
      actorId: actor.id,
      amountCents,
      createdAt: { gte: new Date(now.getTime() - REPEAT_WINDOW_MS) },
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: { createdAt: true },
  });
  if (!same) return;
  const m = (c: number) => formatMoney(c, order.currency);
  const minutes = Math.max(1, Math.round((now.getTime() - same.createdAt.getTime()) / 60_000));
  const details: RepeatedReceiptDetails = {
    orderId: order.id,
    amountCents,
    recordedAt: same.createdAt.toISOString(),
    receivedCents: order.amountReceivedCents,
    owedCents: owedCents(order),
  };
  throw new AppError(
    'RECEIPT_CONFIRMATION_REQUIRED',
    `You recorded ${m(amountCents)} received on order ${orderLabel(order)} ${minutes === 1 ? 'a minute' : `${minutes} minutes`} ago. It was not recorded again: confirm that another ${m(amountCents)} arrived to record it.`,
    { ...details },
  );
}
