// payments.returnOverpayment: an admin records that the shop sent a customer's overpayment back (the money
// received beyond the total: orders/order-totals.ts overpaidCents). The amount defaults to all of what is still
// owed back and may not exceed it; it is added to orders.overpaymentReturnedCents, so every view of the order
// (panel, Discord admin post, REST) stops showing it as owed, and the audit trail keeps who and when.
// One transaction under the order's row lock, the overpayment read inside it: two admins pressing at the same
// time are serialized, and the second finds nothing left to return and is refused (nothing recorded twice).
import { z } from 'zod';
import type { Order } from '../../generated/prisma/index.js';
import { withTransaction } from '../../platform/db/prisma.js';
import { AppError, validationError } from '../../platform/errors.js';
import { formatMoney } from '../../platform/money.js';
import { parseInput } from '../../platform/validate.js';
import { lockOrder, orderLabel, overpaidCents, type AfterSaleDeps } from '../orders/index.js';
import type { TenantContext } from '../shared/actor.js';
import { EVENTS, type OverpaymentReturnedPayload } from '../shared/events.js';

export const overpaymentReturnInput = z
  .object({
    /** Whole cents sent back; omitted: all of the overpayment still owed back. */
    amountCents: z.number().int('a whole number of cents').positive('more than 0').max(1_000_000_000).optional(),
    note: z.string().trim().max(500).optional(),
  })
  .strict();
export type OverpaymentReturnInput = z.input<typeof overpaymentReturnInput>;

export interface OverpaymentReturnResult {
  order: Order;
  /** What this call recorded as returned. */
  returnedCents: number;
  /** Still owed back after it (0 once all of it is returned). */
  overpaidCents: number;
}

export async function returnOverpayment(
  deps: AfterSaleDeps,
  ctx: TenantContext,
  orderId: string,
  raw: unknown = {},
): Promise<OverpaymentReturnResult> {
  const input = parseInput(overpaymentReturnInput, raw ?? {}, 'overpayment return');
  return withTransaction(deps.db, async (tx) => {
    const order = await lockOrder(tx, ctx.tenantId, orderId);
    const m = (c: number) => formatMoney(c, order.currency);
    const owedBack = overpaidCents(order);
    if (owedBack <= 0)
      throw new AppError(
        'ILLEGAL_STATE',
        order.overpaymentReturnedCents > 0
          ? `Order ${orderLabel(order)} has no overpayment left to return: ${m(order.overpaymentReturnedCents)} was already marked returned. Nothing was recorded.`
          : `Order ${orderLabel(order)} was not overpaid (${m(order.amountReceivedCents)} received for a total of ${m(order.totalCents)}): there is nothing to return.`,
        { overpaidCents: 0, overpaymentReturnedCents: order.overpaymentReturnedCents },
      );
    const amountCents = input.amountCents ?? owedBack;
    if (amountCents > owedBack)
      throw validationError(
        [{ path: ['amountCents'], message: `at most ${m(owedBack)}, the overpayment still to return on order ${orderLabel(order)}` }],
        'overpayment return',
      );
    const returnedCents = order.overpaymentReturnedCents + amountCents;
    const updated = await tx.order.update({ where: { id: order.id }, data: { overpaymentReturnedCents: returnedCents } });
    const left = overpaidCents(updated);
    const entry = await deps.audit.record(tx, ctx, {
      action: 'payment.overpayment_returned',
      entityType: 'Order',
      entityId: order.id,
      before: { overpaidCents: owedBack, overpaymentReturnedCents: order.overpaymentReturnedCents },
      after: { amountCents, overpaidCents: left, overpaymentReturnedCents: returnedCents, note: input.note ?? null },
    });
    const payload: OverpaymentReturnedPayload = { tenantId: ctx.tenantId, orderId: order.id, changeId: entry.id };
    await deps.bus.emit(tx, EVENTS.overpaymentReturned, payload, { jobKey: `overpayment-returned:${entry.id}` });
    return { order: updated, returnedCents: amountCents, overpaidCents: left };
  });
}
