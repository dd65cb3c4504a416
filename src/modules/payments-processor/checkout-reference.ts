// The reference we give the processor for a checkout: "<orderId>:<method>". It comes back in the webhook,
// so the confirmation knows which order to mark paid and which method the customer actually used.
import { isProcessorMethod, type ProcessorMethod } from './payment-processor.port.js';

export function checkoutReference(orderId: string, method: ProcessorMethod): string {
  return `${orderId}:${method}`;
}

export function parseCheckoutReference(reference: string): { orderId: string; method: ProcessorMethod } | null {
  const at = reference.lastIndexOf(':');
  if (at <= 0) return null;
  const orderId = reference.slice(0, at);
  const method = reference.slice(at + 1);
  if (!/^ord_[A-Za-z0-9]+$/.test(orderId) || !isProcessorMethod(method)) return null;
  return { orderId, method };
}
