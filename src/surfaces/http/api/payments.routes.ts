// POST /api/orders/:id/payment/confirm, /payment/receipts and /payment/reject: the same service calls as
// Discord's approve, "record amount" and reject buttons and the panel's "mark as paid" / "record payment".
import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { AppError, isAppError } from '../../../platform/errors.js';
import { parseInput } from '../../../platform/validate.js';
import { ctxOf, jsonBody, orderIdParam } from './api-context.js';
import { orderSummaryDto, paymentDto, receiptDto } from './api.presenters.js';
import type { ReceiptResult } from '../../../modules/payments/record-receipt.command.js';

export const confirmBody = z.strictObject({});
/** The order's amountReceivedCents as the caller read it, checked under the order's lock (recorded-meanwhile.ts). */
const expectedReceived = (description: string) => z.number().int('whole minor units').min(0).optional().describe(description);

/**
 * Money received: amountCents omitted records what is still owed (a confirm). expectedAmountReceivedCents: the
 * order's amountReceivedCents as the caller read it (GET /orders/{id}), checked as POST /shop/currency checks the
 * amounts it was sent: recorded only while the order has received exactly that, else 409 CONFLICT and nothing
 * recorded (two callers recording the same transfer, or an extra payment on a paid order, at once).
 */
export const receiptBody = z.strictObject({
  amountCents: z.number().int().positive().optional(),
  note: z.string().trim().max(500).optional(),
  expectedAmountReceivedCents: expectedReceived(
    "The order's amountReceivedCents as read (GET /orders/{id}), checked when amountCents is given (without it, what is still owed is recorded, and a second call finds the order paid): recorded only while the order has received exactly that; otherwise 409 CONFLICT (details: amountReceivedCentsSent, amountReceivedCentsNow, recordedMeanwhile) and nothing is recorded. Omitted: not checked.",
  ),
});

const RECEIPT_TAIL =
  "Nothing was recorded: read GET /orders/{id} again and, if this is another payment, send it with expectedAmountReceivedCents set to the order's amountReceivedCents now.";
const REJECT_TAIL =
  "Nothing was rejected and the order was not cancelled: read GET /orders/{id} again and, if it should still be rejected, send it with expectedAmountReceivedCents set to the order's amountReceivedCents now.";

/**
 * The module's refusal of a receipt (or a rejection) after money was recorded meanwhile, in the API's words: what was sent and what
 * the order has received now, and to read the order again (a panel's "Check the order" is not the caller's).
 */
function inApiWords(err: unknown, tail = RECEIPT_TAIL): unknown {
  if (!isAppError(err) || err.code !== 'CONFLICT') return err;
  const d = err.details as
    { headline?: string; receivedCents?: number; receivedCentsShown?: number; recordedMeanwhile?: { amountCents: number }[] } | undefined;
  if (d?.receivedCentsShown === undefined || d.receivedCents === undefined || !d.headline) return err;
  return new AppError('CONFLICT', `${d.headline} ${tail}`, {
    amountReceivedCentsSent: d.receivedCentsShown,
    amountReceivedCentsNow: d.receivedCents,
    recordedMeanwhile: d.recordedMeanwhile ?? [],
  });
}

function receiptJson(r: ReceiptResult) {
  return {
    changed: r.changed,
    // The order's state, as documented: a second call on a paid order said false (r.paid is "this call paid it").
    paid: r.order.paidAt !== null,
    receipt: r.receipt ? receiptDto(r.receipt) : null,
    receivedCents: r.receivedCents,
    remainingCents: r.remainingCents,
    overpaidCents: r.overpaidCents,
    order: orderSummaryDto(r.order),
    payment: r.payment ? paymentDto(r.payment) : null,
  };
}
export const rejectBody = z.strictObject({
  reason: z.string().trim().min(1, 'a reason is required').max(500),
  expectedAmountReceivedCents: expectedReceived(
    "The order's amountReceivedCents as read (GET /orders/{id}): rejected only while the order has received exactly that; otherwise 409 CONFLICT (details: amountReceivedCentsSent, amountReceivedCentsNow, recordedMeanwhile), nothing rejected and the order not cancelled (money recorded meanwhile by another admin). Omitted: not checked.",
  ),
});

export function paymentsRoutes(services: Services): Router {
  const router = Router();

  router.post('/orders/:id/payment/confirm', async (req, res) => {
    parseInput(confirmBody, jsonBody(req), 'body');
    const r = await services.payments.confirm(ctxOf(res), { orderId: await orderIdParam(req, res, services.orders) });
    res.json({ changed: r.changed, order: orderSummaryDto(r.order), payment: paymentDto(r.payment) });
  });

  router.post('/orders/:id/payment/receipts', async (req, res) => {
    const body = parseInput(receiptBody, jsonBody(req), 'body');
    const idempotencyKey = req.get('idempotency-key')?.trim() || undefined;
    const r = await services.payments
      .recordReceipt(
        ctxOf(res),
        { orderId: await orderIdParam(req, res, services.orders) },
        {
          amountCents: body.amountCents,
          note: body.note,
          receivedCentsShown: body.expectedAmountReceivedCents,
          ...(idempotencyKey ? { idempotencyKey: `api:${idempotencyKey}` } : {}),
        },
      )
      .catch((err: unknown) => {
        throw inApiWords(err);
      });
    res.status(r.changed && r.receipt ? 201 : 200).json(receiptJson(r));
  });

  router.post('/orders/:id/payment/reject', async (req, res) => {
    const { reason, expectedAmountReceivedCents } = parseInput(rejectBody, jsonBody(req), 'body');
    const ctx = ctxOf(res);
    const order = await services.orders.get(ctx.tenantId, await orderIdParam(req, res, services.orders));
    // The latest payment is the one awaiting a decision (reject answers changed=false if already rejected).
    const payment = order.payments.at(-1);
    if (!payment) throw new AppError('ILLEGAL_STATE', `Order #${order.number} has no payment to reject.`);
    const r = await services.payments
      .reject(ctx, { paymentId: payment.id, reason, receivedCentsShown: expectedAmountReceivedCents })
      .catch((err: unknown) => {
        throw inApiWords(err, REJECT_TAIL);
      });
    res.json({ changed: r.changed, order: orderSummaryDto(r.order), payment: paymentDto(r.payment) });
  });

  return router;
}
