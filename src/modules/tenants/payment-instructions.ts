// What a shop tells its customers about paying with a manual method (tenants.paymentInstructions:
// { [method]: { handle?, instructions? } }): its instructions, else its handle, else nothing (the customer is
// then told the shop will send the details). Read by the Discord messages that say how to pay
// (surfaces/discord/views/payment-methods.view.ts) and by the dashboard's checklist (shop-readiness.query.ts).
import type { PaymentMethod } from '../../generated/prisma/index.js';

export interface ManualPaymentDetails {
  instructions?: string;
  handle?: string;
}

/** The method's non-empty instructions and handle, as stored (anything else stored there is ignored). */
export function manualPaymentDetails(paymentInstructions: unknown, method: PaymentMethod): ManualPaymentDetails {
  const all = (paymentInstructions ?? {}) as Record<string, { handle?: unknown; instructions?: unknown } | undefined>;
  const entry = all[method];
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v : undefined);
  const instructions = text(entry?.instructions);
  const handle = text(entry?.handle);
  return { ...(instructions ? { instructions } : {}), ...(handle ? { handle } : {}) };
}
