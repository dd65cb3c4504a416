// A Greenfield invoice mapped to the port's checkout state. The rules, from BTCPay's status model
// (BTCPayServer/HostedServices/InvoiceWatcher.cs):
//   New                  -> OPEN (PaidPartial: some money in, still waiting for the rest)
//   Processing           -> PENDING (paid in full, waiting for confirmations; PaidOver too)
//   Settled              -> PAID (None, PaidOver; Marked: the merchant settled it by hand)
//   Expired              -> EXPIRED; BTCPay never moves an expired invoice on: money that arrives after
//                           expiry leaves it Expired/PaidLate (or PaidPartial) however it confirms. While such
//                           a payment confirms -> PENDING; once settled -> PAID for what settled.
//   Invalid              -> VOIDED when Marked (we or the merchant invalidated it), else FAILED (BTCPay's
//                           FailedToConfirm: the payments did not confirm before monitoring ended); with
//                           settled money -> PAID for what settled.
// A closed invoice (Settled, Expired, Invalid) is PAID only for settled money (`received.settledCents`, from
// its payment methods): BTCPay's paidAmount also counts unconfirmed (Processing) payments
// (InvoiceEntity.cs: Accounted => Settled or Processing), which an Invalid invoice has by definition. The
// core compares the settled amount with the order, so a part is never taken for the whole, and money that
// cannot pay the order (a part, or money for a voided invoice) is refunded instead of sitting at BTCPay.
// Open invoices report paidAmount, or the accounted total where a BTCPay before 2.1.2 sends no paidAmount.
import { decimalStringToCents } from '../../../../platform/money.js';
import type { ProviderCheckoutState } from '../provider.port.js';
import type { BtcPayReceived } from './btcpay-received.js';
import type { GreenfieldInvoice } from './greenfield.client.js';

/** Whether the invoice's state depends on its payments (closed, or no paidAmount from an older BTCPay). */
export function needsPayments(inv: GreenfieldInvoice): boolean {
  return inv.paidAmount === undefined || ['Settled', 'Expired', 'Invalid'].includes(inv.status);
}

export function btcpayInvoiceState(inv: GreenfieldInvoice, received?: BtcPayReceived): ProviderCheckoutState {
  const extra = inv.additionalStatus ?? 'None';
  const settled = received?.settledCents ?? 0;
  const confirming = received ? received.accountedCents > received.settledCents : false;
  let state: ProviderCheckoutState['state'];
  let paid: number | null =
    inv.paidAmount !== undefined ? decimalStringToCents(inv.paidAmount, inv.currency) : (received?.accountedCents ?? null);
  switch (inv.status) {
    case 'New':
      state = 'OPEN';
      break;
    case 'Processing':
      state = 'PENDING';
      break;
    case 'Settled':
      state = 'PAID';
      paid = settled;
      // A merchant who marks an invoice settled by hand says it was paid in full (BTCPay's refunds assume so too).
      if (extra === 'Marked' && !paid) paid = decimalStringToCents(inv.amount, inv.currency);
      break;
    case 'Expired':
      state = confirming ? 'PENDING' : settled > 0 ? 'PAID' : 'EXPIRED';
      paid = settled;
      break;
    case 'Invalid':
      state = settled > 0 ? 'PAID' : extra === 'Marked' ? 'VOIDED' : 'FAILED';
      paid = settled;
      break;
    default:
      state = 'PENDING'; // an unknown future status: not final, ask again later
  }
  const orderId = typeof inv.metadata?.orderId === 'string' ? inv.metadata.orderId : undefined;
  return {
    providerCheckoutId: inv.id,
    state,
    ...(paid !== null && paid > 0 ? { paidAmountCents: paid } : {}),
    currency: inv.currency,
    paymentReference: inv.id,
    ...(orderId ? { orderId } : {}),
    providerStatus: extra === 'None' ? inv.status : `${inv.status}/${extra}`,
    // Still taking money (a part may have arrived): the buyer goes back to this invoice, not to a new one.
    ...(state === 'OPEN' && inv.checkoutLink ? { resumeUrl: inv.checkoutLink } : {}),
    // BTCPay moves a New invoice to Expired at this time (InvoiceWatcher), unless paid in full first.
    ...(state === 'OPEN' && inv.expirationTime !== undefined ? { expiresAt: new Date(inv.expirationTime * 1000) } : {}),
  };
}
