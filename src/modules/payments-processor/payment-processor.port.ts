// The port the invoice page uses to take a payment in the browser through a hosted-checkout processor, and
// the refund job (processor-refund.jobs.ts) uses to send money back for an order paid that way.
// The adapter (hosted-checkout.adapter.ts) speaks the processor's HTTP API; tests point it at
// src/dev/fake-payment-processor.ts, which speaks the same wire format.
import type { PaymentMethod } from '../../generated/prisma/index.js';

/** Methods a processor settles on its own (the customer pays on the processor's page). */
export const PROCESSOR_METHODS = ['PAYPAL', 'CASHAPP_PAY', 'BTC_INVOICE'] as const satisfies readonly PaymentMethod[];
export type ProcessorMethod = (typeof PROCESSOR_METHODS)[number];

export function isProcessorMethod(method: string): method is ProcessorMethod {
  return (PROCESSOR_METHODS as readonly string[]).includes(method);
}

export interface CreateCheckoutInput {
  amountCents: number;
  currency: string;
  method: ProcessorMethod;
  /** Our reference, echoed back in the webhook (see checkout-reference.ts). */
  reference: string;
  successUrl: string;
  cancelUrl: string;
}

export interface Checkout {
  /** The processor's checkout id (stored as the payment's providerReference once paid). */
  id: string;
  /** Where to send the customer's browser. */
  url: string;
}

/** A verified `checkout.completed` notification. */
export interface CheckoutCompletedEvent {
  type: 'checkout.completed';
  checkoutId: string;
  reference: string;
  amountCents: number;
  currency?: string;
}

export interface RefundRequest {
  /** The processor's checkout id the money came in on (payments.providerReference). */
  checkoutId: string;
  amountCents: number;
  currency: string;
  reason: string;
  /** The processor returns its first refund for a key it has seen: our refund id, so a retry never pays twice. */
  idempotencyKey: string;
}

export interface ProcessorRefund {
  /** The processor's refund id. */
  id: string;
  /** The processor's own word for it, e.g. "succeeded" or "pending"; recorded as given. */
  status: string;
}

/**
 * The processor refused the refund itself (a 4xx other than 401/403/408/429: more than was paid, unknown
 * checkout, key reused with other values). Retrying the same request cannot succeed, so the job records it
 * and stops. Anything else the adapter throws (5xx, timeouts, network, auth) is worth retrying.
 */
export class ProcessorRefundRejectedError extends Error {
  readonly httpStatus: number;
  constructor(message: string, httpStatus: number) {
    super(message);
    this.name = 'ProcessorRefundRejectedError';
    this.httpStatus = httpStatus;
  }
}

export interface PaymentProcessor {
  /** UPSTREAM_UNAVAILABLE when the processor cannot be reached or answers badly. */
  createCheckout(input: CreateCheckoutInput): Promise<Checkout>;
  /**
   * Checks the signature over the raw body and parses the event. BAD_SIGNATURE when the signature does not
   * match; `null` for a well-signed event type we do not act on; VALIDATION_FAILED for a malformed body.
   */
  parseWebhook(rawBody: Buffer, signatureHeader: string | undefined): CheckoutCompletedEvent | null;
  /**
   * Refunds (part of) a completed checkout. ProcessorRefundRejectedError when the processor refuses it for
   * good; UPSTREAM_UNAVAILABLE (AppError) for failures a retry may fix.
   */
  refund(input: RefundRequest): Promise<ProcessorRefund>;
}
