// A Greenfield invoice mapped to the port's checkout state. The rules, from BTCPay's status model:
//   New                  -> OPEN (PaidPartial: some money in, still waiting for the rest)
//   Processing           -> PENDING (paid in full, waiting for confirmations; PaidOver too)
//   Settled              -> PAID (None, PaidOver, PaidLate; Marked: the merchant settled it by hand)
//   Expired              -> EXPIRED, except PaidLate (money arrived after expiry, confirming) -> PENDING
//   Invalid              -> VOIDED when Marked (we or the merchant invalidated it), else FAILED
//   ...except that Expired or Invalid with money received is PAID for what was received (see below)
// paidAmountCents is what BTCPay says was paid in the invoice currency (paidAmount), so a partial payment is
// never taken for the whole: the core compares it with the order before marking anything paid.
import type { ProviderCheckoutState } from '../provider.port.js';
import { decimalStringToCents } from '../../../../platform/money.js';
import type { GreenfieldInvoice } from './greenfield.client.js';

export function btcpayInvoiceState(inv: GreenfieldInvoice): ProviderCheckoutState {
  const extra = inv.additionalStatus ?? 'None';
  let state: ProviderCheckoutState['state'];
  switch (inv.status) {
    case 'New':
      state = 'OPEN';
      break;
    case 'Processing':
      state = 'PENDING';
      break;
    case 'Settled':
      state = 'PAID';
      break;
    case 'Expired':
      state = extra === 'PaidLate' ? 'PENDING' : 'EXPIRED';
      break;
    case 'Invalid':
      state = extra === 'Marked' ? 'VOIDED' : 'FAILED';
      break;
    default:
      state = 'PENDING'; // an unknown future status: not final, ask again later
  }
  let paid = inv.paidAmount === undefined ? null : decimalStringToCents(inv.paidAmount, inv.currency);
  // A merchant who marks an invoice settled by hand says it was paid in full (BTCPay's refunds assume so too).
  if (state === 'PAID' && extra === 'Marked' && !paid) paid = decimalStringToCents(inv.amount, inv.currency);
  // Money that arrived on an invoice that can no longer settle (expired part-paid, or invalidated: voided by
  // us, or payments that never confirmed) is final as it is: reported as PAID with what arrived, so the
  // core's ledger sees it cannot pay the order and refunds it, instead of it sitting at BTCPay unnoticed.
  if ((state === 'EXPIRED' || state === 'VOIDED' || state === 'FAILED') && paid !== null && paid > 0) state = 'PAID';
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
  };
}
