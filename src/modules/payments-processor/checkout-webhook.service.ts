// Applies the processor's webhook: a verified `checkout.completed` whose amount and currency match the order
// confirms the payment through the payments service (idempotent), then records the processor's checkout id
// and the method actually used on the payment. A replayed webhook changes nothing: confirm answers
// changed=false and the reference is only written while still empty.
import type { Db } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { TenantContext } from '../shared/actor.js';
import { parseCheckoutReference } from './checkout-reference.js';
import type { PaymentProcessor } from './payment-processor.port.js';

/** The slice of the payments service this needs (services.payments satisfies it). */
export interface PaymentConfirmer {
  confirm(ctx: TenantContext, target: { orderId: string }): Promise<{ payment: { id: string }; changed: boolean }>;
}

export type WebhookOutcome =
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'confirmed' | 'already_confirmed'; orderId: string; paymentId: string };

export interface CheckoutWebhookService {
  /**
   * BAD_SIGNATURE (401) for a bad signature; VALIDATION_FAILED for a malformed event; NOT_FOUND when the order
   * is gone; CONFLICT when the amount differs from the order total, CURRENCY_MISMATCH when the currency
   * differs (the order is left unpaid for an admin to look at); confirm's own errors otherwise.
   */
  handle(rawBody: Buffer, signatureHeader: string | undefined): Promise<WebhookOutcome>;
}

export function createCheckoutWebhookService(deps: { db: Db; processor: PaymentProcessor; payments: PaymentConfirmer; logger: Logger }): CheckoutWebhookService {
  const { db, processor, payments, logger } = deps;
  return {
    async handle(rawBody, signatureHeader) {
      const event = processor.parseWebhook(rawBody, signatureHeader);
      if (!event) return { outcome: 'ignored', reason: 'event type not handled' };
      const ref = parseCheckoutReference(event.reference);
      if (!ref) {
        // Signed by our processor but not one of our references (another integration on the same account).
        logger.warn({ reference: event.reference, checkoutId: event.checkoutId }, 'payment webhook with an unknown reference ignored');
        return { outcome: 'ignored', reason: 'unknown reference' };
      }
      const order = await db.order.findUnique({ where: { id: ref.orderId }, select: { id: true, tenantId: true, number: true, totalCents: true, currency: true } });
      if (!order) throw new AppError('NOT_FOUND', `Order ${ref.orderId} not found.`);
      if (event.amountCents !== order.totalCents) {
        logger.error({ orderId: order.id, paid: event.amountCents, total: order.totalCents, checkoutId: event.checkoutId }, 'payment webhook amount does not match the order total');
        throw new AppError('CONFLICT', `Amount paid (${event.amountCents} cents) does not match the total of order #${order.number} (${order.totalCents} cents); the order was not marked paid.`);
      }
      if (event.currency && event.currency !== order.currency.toUpperCase()) {
        throw new AppError('CURRENCY_MISMATCH', `Payment currency ${event.currency} does not match order currency ${order.currency}; the order was not marked paid.`);
      }
      const ctx: TenantContext = { tenantId: order.tenantId, actor: { type: 'SYSTEM', label: 'payment processor' } };
      const result = await payments.confirm(ctx, { orderId: order.id });
      await db.payment.updateMany({
        where: { id: result.payment.id, tenantId: order.tenantId, providerReference: null },
        data: { providerReference: event.checkoutId, method: ref.method },
      });
      return { outcome: result.changed ? 'confirmed' : 'already_confirmed', orderId: order.id, paymentId: result.payment.id };
    },
  };
}
