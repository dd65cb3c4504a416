// Square's Payment and PaymentRefund reduced to the facts the port needs, and mapped to the port's states.
// Both the SDK's answers (camelCase, BigInt money) and webhook bodies (Square's snake_case JSON) are turned
// into these shapes first, so the state rules below exist once.
import type { ProviderCheckoutState } from '../provider.port.js';

export interface SquarePaymentFacts {
  id: string;
  /** APPROVED, PENDING, COMPLETED, CANCELED or FAILED. */
  status: string;
  /** total_money (amount plus tip) in minor units; amount_money when total_money is absent. */
  amountCents: number | undefined;
  currency: string | undefined;
  /** Our order id, sent as reference_id on CreatePayment. */
  referenceId: string | undefined;
  /** WALLET for Cash App Pay. */
  sourceType: string | undefined;
}

export interface SquareRefundFacts {
  id: string;
  /** PENDING, COMPLETED, REJECTED or FAILED. */
  status: string;
  amountCents: number | undefined;
  paymentId: string | undefined;
}

const PAYMENT_STATES: Record<string, ProviderCheckoutState['state']> = {
  COMPLETED: 'PAID',
  // Only with autocomplete=false, which we never send; kept so a payment made elsewhere maps sensibly.
  APPROVED: 'APPROVED',
  PENDING: 'PENDING',
  CANCELED: 'VOIDED',
  FAILED: 'FAILED',
};

/** Money moved (or is moving) only in these states; a FAILED or CANCELED payment took nothing. */
const MONEY_STATES = new Set<ProviderCheckoutState['state']>(['PAID', 'PENDING', 'APPROVED']);

export function squarePaymentState(p: SquarePaymentFacts): ProviderCheckoutState {
  const state = PAYMENT_STATES[p.status] ?? 'PENDING';
  return {
    providerCheckoutId: p.id,
    state,
    ...(MONEY_STATES.has(state) && p.amountCents !== undefined ? { paidAmountCents: p.amountCents } : {}),
    ...(p.currency ? { currency: p.currency } : {}),
    paymentReference: p.id,
    ...(p.referenceId ? { orderId: p.referenceId } : {}),
    providerStatus: p.sourceType ? `${p.status} (${p.sourceType})` : p.status,
  };
}

/**
 * Square echoes no idempotency key on a refund, only its reason: our refund's key rides at the reason's end,
 * "… [Ledgerline ref_…]", so a refund's webhook is known for ours before the job has recorded Square's id.
 * The reason is cut to leave room for the mark (Square's reason holds 192 characters).
 */
export function reasonWithKey(reason: string, key: string, max: number): string {
  const mark = `[Ledgerline ${key}]`;
  const room = max - mark.length - 1;
  const text = room > 0 ? reason.slice(0, room).trim() : '';
  return text ? `${text} ${mark}` : mark;
}

/** The key reasonWithKey put at the end of a refund's reason, if any. */
export function keyInReason(reason: string | null | undefined): string | undefined {
  return reason ? /\[Ledgerline ([A-Za-z0-9_.,:-]{1,80})\]$/.exec(reason)?.[1] : undefined;
}

export function squareRefundState(status: string): 'PENDING' | 'COMPLETED' | 'FAILED' {
  if (status === 'COMPLETED') return 'COMPLETED';
  if (status === 'REJECTED' || status === 'FAILED') return 'FAILED';
  return 'PENDING';
}

/** Square money amounts are int64 (BigInt in the SDK); ours are safe integers. */
export function minorUnits(amount: bigint | number | null | undefined): number | undefined {
  if (amount === null || amount === undefined) return undefined;
  const n = Number(amount);
  return Number.isSafeInteger(n) ? n : undefined;
}
