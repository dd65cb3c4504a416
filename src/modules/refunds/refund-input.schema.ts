// RefundInput at the service edge. Amounts are checked by the plan (REFUND_AMOUNT_INVALID), so any number
// passes here; quantities must be whole and at least 1. `restock: false` on an item line refunds its units
// without putting them back in stock (damaged, or never shipped back); omitted means true (returned). `seen`: what the
// admin saw, checked by refunded-meanwhile.ts.
import { z } from 'zod';
import { idempotencyKeySchema } from '../shared/idempotency-key.js';

export const DEFAULT_REFUND_REASON = 'Admin-initiated refund';

export const refundInput = z
  .object({
    amountCents: z.number().optional(),
    items: z
      .array(
        z
          .object({
            productId: z.string().trim().min(1),
            quantity: z.number().int('quantity must be a whole number').min(1, 'quantity must be at least 1'),
            restock: z.boolean().optional(),
          })
          .strict(),
      )
      .max(100)
      .optional(),
    reason: z.string().trim().max(500).optional(),
    idempotencyKey: idempotencyKeySchema.optional(),
    /**
     * What the admin saw (refunded-meanwhile.ts): the amount refunded their form showed, or when they sent a command with
     * no screen before it. Refused (CONFLICT, nothing refunded) when a refund was recorded on the order since. Omitted:
     * not checked.
     */
    seen: z.union([z.strictObject({ refundedCents: z.number().int().min(0) }), z.strictObject({ sentAt: z.date() })]).optional(),
  })
  .strict();

export type RefundInput = z.input<typeof refundInput>;
