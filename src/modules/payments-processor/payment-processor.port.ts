// The port the invoice page uses to take a payment in the browser through a hosted-checkout processor.
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

export interface PaymentProcessor {
  /** UPSTREAM_UNAVAILABLE when the processor cannot be reached or answers badly. */
  createCheckout(input: CreateCheckoutInput): Promise<Checkout>;
  /**
   * Checks the signature over the raw body and parses the event. BAD_SIGNATURE when the signature does not
   * match; `null` for a well-signed event type we do not act on; VALIDATION_FAILED for a malformed body.
   */
  parseWebhook(rawBody: Buffer, signatureHeader: string | undefined): CheckoutCompletedEvent | null;
}
