// What a BTCPay invoice has received, from Greenfield's GET /api/v1/stores/{storeId}/invoices/{id}/payment-methods
// (BTCPayServer/Controllers/GreenField/GreenfieldInvoiceController.cs, ToPaymentMethodModels): each payment
// method's `rate` (invoice currency per coin) and its payments (by default only the accounted ones, status
// "Processing" or "Settled"; InvoicePaymentMethodDataModel.cs) with `value` and `fee` in the coin. BTCPay
// turns a payment into the invoice currency as (value - fee) * rate (Services/Invoices/InvoiceEntity.cs,
// UpdateTotals: PaidAmount.Net counts Settled and Processing payments, NetSettled only Settled ones).
// Worked exactly on the digits (BigInt), then rounded once to the invoice currency's minor unit.
import { decimalStringToCents } from '../../../../platform/money.js';
import type { GreenfieldPaymentMethod } from './greenfield.client.js';

export interface BtcPayReceived {
  /** Payments BTCPay counts (Processing + Settled): what its invoice `paidAmount` says, in our cents. */
  accountedCents: number;
  /** Payments with their confirmations (Settled) only: money the store has for good. */
  settledCents: number;
}

interface Exact {
  n: bigint;
  scale: number;
}

function exact(value: string | undefined): Exact | null {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec((value ?? '0').trim());
  if (!m) return null;
  const frac = m[3] ?? '';
  const n = BigInt(`${m[2]}${frac}`);
  return { n: m[1] === '-' ? -n : n, scale: frac.length };
}

const rescale = (a: Exact, scale: number): bigint => a.n * 10n ** BigInt(scale - a.scale);

function add(a: Exact, b: Exact): Exact {
  const scale = Math.max(a.scale, b.scale);
  return { n: rescale(a, scale) + rescale(b, scale), scale };
}

function text(a: Exact): string {
  const digits = (a.n < 0n ? -a.n : a.n).toString().padStart(a.scale + 1, '0');
  const whole = digits.slice(0, digits.length - a.scale);
  const frac = digits.slice(digits.length - a.scale);
  return `${a.n < 0n ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** Null when BTCPay answered an amount that is not a plain decimal (the caller treats the read as failed). */
export function receivedOnInvoice(methods: GreenfieldPaymentMethod[], currency: string): BtcPayReceived | null {
  let accounted: Exact = { n: 0n, scale: 0 };
  let settled: Exact = { n: 0n, scale: 0 };
  for (const method of methods) {
    const rate = exact(method.rate);
    if (!rate) return null;
    for (const p of method.payments ?? []) {
      const value = exact(p.value);
      const fee = exact(p.fee);
      if (!value || !fee) return null;
      const net = add(value, { n: -fee.n, scale: fee.scale });
      const inCurrency = { n: net.n * rate.n, scale: net.scale + rate.scale };
      if (p.status === 'Settled' || p.status === 'Processing') accounted = add(accounted, inCurrency);
      if (p.status === 'Settled') settled = add(settled, inCurrency);
    }
  }
  const accountedCents = decimalStringToCents(text(accounted), currency);
  const settledCents = decimalStringToCents(text(settled), currency);
  return accountedCents === null || settledCents === null ? null : { accountedCents, settledCents };
}
