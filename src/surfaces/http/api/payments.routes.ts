// POST /api/orders/:id/payment/confirm, /payment/receipts and /payment/reject: the same service calls as
// Discord's approve, "record amount" and reject buttons and the panel's "mark as paid" / "record payment".
import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { AppError } from '../../../platform/errors.js';
import { parseInput } from '../../../platform/validate.js';
import { ctxOf, jsonBody, orderIdParam } from './api-context.js';
import { orderSummaryDto, paymentDto, receiptDto } from './api.presenters.js';
import type { ReceiptResult } from '../../../modules/payments/record-receipt.command.js';

export const confirmBody = z.strictObject({});
/** Money received: amountCents omitted records what is still owed (a confirm). */
export const receiptBody = z.strictObject({
  amountCents: z.number().int().positive().optional(),
  note: z.string().trim().max(500).optional(),
});

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
export const rejectBody = z.strictObject({ reason: z.string().trim().min(1, 'a reason is required').max(500) });

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
    const r = await services.payments.recordReceipt(
      ctxOf(res),
      { orderId: await orderIdParam(req, res, services.orders) },
      { ...body, ...(idempotencyKey ? { idempotencyKey: `api:${idempotencyKey}` } : {}) },
    );
    res.status(r.changed && r.receipt ? 201 : 200).json(receiptJson(r));
  });

  router.post('/orders/:id/payment/reject', async (req, res) => {
    const { reason } = parseInput(rejectBody, jsonBody(req), 'body');
    const ctx = ctxOf(res);
    const order = await services.orders.get(ctx.tenantId, await orderIdParam(req, res, services.orders));
    // The latest payment is the one awaiting a decision (reject answers changed=false if already rejected).
    const payment = order.payments.at(-1);
    if (!payment) throw new AppError('ILLEGAL_STATE', `Order #${order.number} has no payment to reject.`);
    const r = await services.payments.reject(ctx, { paymentId: payment.id, reason });
    res.json({ changed: r.changed, order: orderSummaryDto(r.order), payment: paymentDto(r.payment) });
  });

  return router;
}
