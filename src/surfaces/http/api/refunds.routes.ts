// POST /api/orders/:id/refunds (Idempotency-Key header) and POST /api/orders/:id/refunds/preview.
// Modes follow the body: neither amount nor items FULL, amount PARTIAL_AMOUNT, items PARTIAL_ITEMS, both BOTH.
// An item line may say `restock: false` (refunded, not back in stock: damaged or never sent back), as the
// panel's refund form does; the top-level `restock: false` applies to every line given as a string.
// expectedRefundedCents (optional): the order's refundedTotalCents as the caller read it; a refund recorded since refuses
// this one with 409 (refunds/refunded-meanwhile.ts). Omitted: not checked, as before it existed.
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { parseRefundItems } from '../../../modules/refunds/refund-items.parser.js';
import { AppError, isAppError } from '../../../platform/errors.js';
import { parseInput } from '../../../platform/validate.js';
import { ctxOf, jsonBody, orderIdParam } from './api-context.js';
import { idempotencyKeyOf, REPLAYED_HEADER } from './idempotency.js';
import { orderSummaryDto, refundDto } from './api.presenters.js';

export const refundBody = z.strictObject({
  amountCents: z.number().int('whole cents').positive().optional(),
  items: z
    .union(
      [
        z
          .array(
            z.strictObject({
              productId: z.string().min(1).max(100).describe("The product's id, or the SKU of the order's line (any case)"),
              quantity: z.number().int().positive(),
              restock: z.boolean().optional(),
            }),
          )
          .min(1)
          .max(100),
        z.string().trim().min(1).max(2000),
      ],
      { error: 'an array of {productId, quantity, restock?} or a "productId:qty,productId:qty" string' },
    )
    .optional(),
  restock: z.boolean().optional(),
  reason: z.string().trim().min(1).max(500).optional(),
  expectedRefundedCents: z
    .number()
    .int('whole minor units')
    .min(0)
    .optional()
    .describe(
      "The order's refundedTotalCents as read (GET /orders/{id}): refunded only while the order has refunded exactly that; otherwise 409 CONFLICT (details: refundedTotalCentsSent, refundedTotalCentsNow, refundedMeanwhile: amount, who and when) and nothing is refunded (no money sent, no stock change). Two callers refunding the same order at once: the second is refused, not refunded twice. Omitted: not checked (each refund is taken against the balance left then). A retry with the same Idempotency-Key returns the first refund, never this refusal.",
    ),
});

/**
 * The module's refusal of a refund after another was recorded meanwhile (refunds/refunded-meanwhile.ts), in the API's
 * words: what was sent and what the order has refunded now, and to read the order again.
 */
function inApiWords(err: unknown): unknown {
  if (!isAppError(err) || err.code !== 'CONFLICT') return err;
  const d = err.details as
    { headline?: string; refundedCents?: number; refundedCentsShown?: number; refundedMeanwhile?: unknown[] } | undefined;
  if (d?.refundedCentsShown === undefined || d.refundedCents === undefined || !d.headline) return err;
  return new AppError(
    'CONFLICT',
    `${d.headline} Nothing was refunded: read GET /orders/{id} again and, if the customer is still owed more, send the refund with a new Idempotency-Key and expectedRefundedCents set to the order's refundedTotalCents now (this answer is kept for the key sent).`,
    { refundedTotalCentsSent: d.refundedCentsShown, refundedTotalCentsNow: d.refundedCents, refundedMeanwhile: d.refundedMeanwhile ?? [] },
  );
}

function refundInput(req: Request) {
  const body = parseInput(refundBody, jsonBody(req), 'refund');
  if (body.restock !== undefined && body.items === undefined) {
    throw new AppError(
      'VALIDATION_FAILED',
      'restock applies to refunded items: give items with it (a refund by amount alone puts nothing back in stock).',
      { fields: [{ path: 'restock', message: 'needs items' }] },
    );
  }
  const lines = typeof body.items === 'string' ? parseRefundItems(body.items) : body.items;
  // A line's own restock wins over the top-level one; neither means restocked (the module's default).
  const items = lines?.map((l) => ({ ...l, restock: l.restock ?? body.restock }));
  return {
    amountCents: body.amountCents,
    items,
    reason: body.reason,
    ...(body.expectedRefundedCents !== undefined ? { seen: { refundedCents: body.expectedRefundedCents } } : {}),
  };
}

export function refundsRoutes(services: Services): Router {
  const router = Router();

  router.post('/orders/:id/refunds/preview', async (req, res) => {
    const orderId = await orderIdParam(req, res, services.orders);
    res.json(
      await services.refunds.preview(ctxOf(res), orderId, refundInput(req)).catch((err: unknown) => {
        throw inApiWords(err);
      }),
    );
  });

  router.post('/orders/:id/refunds', async (req, res) => {
    const input = { ...refundInput(req), idempotencyKey: idempotencyKeyOf(req) };
    const r = await services.refunds.refund(ctxOf(res), await orderIdParam(req, res, services.orders), input).catch((err: unknown) => {
      throw inApiWords(err);
    });
    // The refund's own key check answered (the API's record of the key had expired or was never written).
    if (r.replayed) res.set(REPLAYED_HEADER, 'true');
    // moneyReturn: "processor" (sent back through the payment processor by a job) or "manual" (P2P: the
    // admin returns the money by hand; Ledgerline only records it).
    res.status(201).json({ refund: refundDto(r.refund), order: orderSummaryDto(r.order), plan: r.plan, moneyReturn: r.moneyReturn });
  });

  return router;
}
