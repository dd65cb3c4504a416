// Server-rendered invoice page and its error page: no scripts, no external assets, one inline stylesheet
// allowed by its hash in the Content-Security-Policy. Readable on a phone (fluid layout, large buttons).
// A word longer than the screen (a pasted SKU, an e-mail address in an address line, a discount code) may
// break anywhere: without it the lines' table grew past the card and a phone zoomed the whole page out.
// `word-break: break-word` is the same rule for browsers older than `overflow-wrap: anywhere` (Safari < 15.4).
import { createHash } from 'node:crypto';
import type { OrderStatus } from '../../../generated/prisma/index.js';
import type { InvoiceView } from '../../../modules/invoices/invoice.service.js';
import type { ProcessorMethod } from '../../../modules/payments-processor/connections/provider-definitions.js';
import { formatMoney } from '../../../platform/money.js';
import { formatDateTime } from '../../../platform/time-format.js';
import { esc } from './html.js';
import { addressLines } from '../../../modules/customers/address-lines.js';
import { orderAgainSentence } from '../../../modules/orders/index.js';
import { FAVICON_PATH } from '../../../platform/favicon.js';
import { paymentMethodLabel } from '../../../modules/payments/payment-method-labels.js';

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f3f4f6}
main{max-width:40rem;margin:0 auto;padding:1rem;overflow-wrap:anywhere;word-break:break-word}
.card{background:#fff;border-radius:12px;padding:1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.12);margin-bottom:1rem}
h1{font-size:1.4rem;margin:0 0 .25rem}
h2{font-size:1.15rem;margin:0 0 .75rem}
.shop{color:#57606a;margin:0 0 1rem}
.badge{display:inline-block;padding:.2rem .6rem;border-radius:999px;font-size:.9rem;font-weight:600;background:#fff8c5;color:#6b4f00}
.badge.paid{background:#dafbe1;color:#116329}.badge.closed{background:#eaeef2;color:#424a53}
.notice{padding:.75rem 1rem;border-radius:8px;background:#ddf4ff;color:#0a3069;margin-bottom:1rem}
.due{font-weight:600;margin:0 0 .5rem}
.notice.success{background:#dafbe1;color:#116329;font-size:1.15rem;font-weight:600}
table{width:100%;border-collapse:collapse}
td{padding:.4rem 0;vertical-align:top}
td.num{text-align:right;white-space:nowrap;padding-left:.75rem}
tr.item td{border-bottom:1px solid #eaeef2}
.muted{color:#57606a;font-size:.9rem}
tr.total td{font-weight:700;font-size:1.15rem;border-top:2px solid #1f2328;padding-top:.6rem}
.pay button{display:block;width:100%;min-height:3rem;margin:.6rem 0;border:0;border-radius:10px;font-size:1.05rem;font-weight:600;color:#fff;background:#0969da;cursor:pointer}
.pay button:focus{outline:3px solid #54aeff;outline-offset:2px}
address{font-style:normal}
footer{color:#57606a;font-size:.85rem;text-align:center;padding:0 1rem 2rem}
`;

/** CSP source for the one inline stylesheet; no script is ever allowed. */
export const INVOICE_STYLE_HASH = `'sha256-${createHash('sha256').update(CSS).digest('base64')}'`;

const METHOD_LABELS: Record<ProcessorMethod, string> = {
  PAYPAL: 'Pay with PayPal',
  CASHAPP_PAY: 'Pay with Cash App Pay',
  BTC_INVOICE: 'Pay with Bitcoin',
};

const STATUS_LABELS: Record<OrderStatus, string> = {
  PENDING_PAYMENT: 'Awaiting payment',
  PAID: 'Paid',
  FULFILLING: 'Paid · being prepared',
  SHIPPED: 'Paid · shipped',
  COMPLETE: 'Paid · complete',
  CANCELLED: 'Cancelled',
  REFUNDED: 'Refunded',
  PARTIALLY_REFUNDED: 'Paid · partially refunded',
};

const PAID_STATUSES: ReadonlySet<OrderStatus> = new Set(['PAID', 'FULFILLING', 'SHIPPED', 'COMPLETE', 'PARTIALLY_REFUNDED']);

/** `refreshSeconds`: the browser loads the page again after that long (no script: the page's CSP allows none). */
export function layout(title: string, body: string, refreshSeconds?: number): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
${refreshSeconds ? `<meta http-equiv="refresh" content="${refreshSeconds}">\n` : ''}<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex,nofollow">
<link rel="icon" href="${FAVICON_PATH}" type="image/svg+xml">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head><body><main>
${body}
</main></body></html>`;
}

/** What the invoice page's `?checkout=` may say happened (the routes read only these: invoice.routes.ts). */
export const CHECKOUT_NOTICES = [
  'success',
  'cancelled',
  'paid',
  'pending',
  'open',
  'declined',
  'failed',
  'changed',
  'elsewhere',
  'amount-changed',
  'on-its-way',
  'opening',
] as const;
export type CheckoutNotice = (typeof CHECKOUT_NOTICES)[number];

/** How often the page of a press made while an earlier press's payment was being opened looks again. */
export const OPENING_REFRESH_SECONDS = 2;

/**
 * `waiting`: the page of a press of Pay made while an earlier press's payment is being opened (the 'opening' notice):
 * it loads itself again until that payment is open, and the route then sends the browser there.
 */
export function renderInvoicePage(view: InvoiceView, opts: { token: string; checkout?: CheckoutNotice; waiting?: boolean }): string {
  const money = (cents: number) => esc(formatMoney(cents, view.currency));
  const paid = PAID_STATUSES.has(view.status);
  const badgeClass = paid ? 'badge paid' : view.payable ? 'badge' : 'badge closed';

  const rows = view.items.map(
    (i) =>
      `<tr class="item"><td>${esc(i.name)}<div class="muted">${esc(i.quantity)} × ${money(i.unitPriceCents)}</div></td><td class="num">${money(i.lineTotalCents)}</td></tr>`,
  );
  const summary = [
    `<tr><td>Subtotal</td><td class="num">${money(view.subtotalCents)}</td></tr>`,
    view.discountCents > 0
      ? `<tr><td>Discount${view.discountName ? ` <span class="muted">(${esc(view.discountName)})</span>` : ''}</td><td class="num">−${money(view.discountCents)}</td></tr>`
      : '',
    `<tr><td>Shipping${view.shippingTypeName ? ` <span class="muted">(${esc(view.shippingTypeName)})</span>` : ''}</td><td class="num">${money(view.shippingCents)}</td></tr>`,
    `<tr><td>Sales tax</td><td class="num">${money(view.taxAmountCents)}</td></tr>`,
    `<tr class="total"><td>Total</td><td class="num">${money(view.totalCents)}</td></tr>`,
    view.refundedTotalCents > 0 ? `<tr><td>Refunded</td><td class="num">−${money(view.refundedTotalCents)}</td></tr>` : '',
  ].join('');

  let notice = '';
  let refreshSeconds: number | undefined;
  if (paid) notice = `<div class="notice success" id="paid">Paid — thank you</div>${receiptNotice(view)}`;
  else if (view.status === 'CANCELLED')
    // The same words as Discord's (orders/status-words.ts): the customer orders again, with /order there.
    notice = `<div class="notice" id="cancelled">This order was cancelled. ${esc(orderAgainSentence("/order in the shop's Discord"))}</div>`;
  else if (view.status === 'REFUNDED') notice = '<div class="notice">This order was refunded.</div>';
  else if (view.paymentOnItsWay)
    // Pay pressed on a page drawn before that payment was sent: nothing was started (the section below says what is coming).
    notice =
      opts.checkout === 'on-its-way'
        ? '<div class="notice" id="already-on-its-way">A payment for this order is already on its way, so no second payment was started.</div>'
        : '';
  else if (opts.checkout === 'success' || opts.checkout === 'pending')
    notice =
      '<div class="notice" id="pending">Thanks! The payment provider has not confirmed your payment yet. We will mark the order paid as soon as it does; refresh this page in a moment.</div>';
  else if (opts.checkout === 'cancelled' || opts.checkout === 'open')
    notice = '<div class="notice">Payment was not completed. You can choose a payment method again below.</div>';
  else if (opts.checkout === 'declined')
    notice = '<div class="notice" id="declined">Your payment method was declined. Please try again with another one.</div>';
  else if (opts.checkout === 'failed')
    notice = '<div class="notice" id="failed">The payment did not go through. You can try again below.</div>';
  else if (opts.checkout === 'elsewhere')
    // The provider took money on a payment naming another order than this invoice's (CheckoutService.completeReturn):
    // applied to neither, the admins told; the buyer should reach the shop before paying twice. Not "PayPal": a BTCPay
    // invoice returns here too. This order is as it was, so the pay section below is drawn as for any unpaid order.
    notice =
      '<div class="notice" id="elsewhere">The payment provider has recorded your payment for another order, so it was not applied to this invoice. The shop has been told. Contact the shop about that payment before you pay again; this invoice can still be paid below.</div>';
  else if (opts.checkout === 'amount-changed')
    notice = `<div class="notice" id="amount-changed">The shop changed this order after you opened this page: the amount to pay is now ${money(view.owedCents)}. Check the order below, then choose a payment method again.</div>`;
  else if (opts.checkout === 'opening') {
    refreshSeconds = opts.waiting ? OPENING_REFRESH_SECONDS : undefined;
    notice = opts.waiting
      ? '<div class="notice" id="opening">Pay was pressed again while your payment was being opened, so no second payment was started. This page goes on to that payment as soon as it is open.</div>'
      : '<div class="notice" id="opening">Pay was pressed again while your payment was being opened, so no second payment was started. If the payment page did not open, press Pay again.</div>';
  } else if (opts.checkout === 'changed')
    notice =
      '<div class="notice" id="changed">This order changed after you started paying, so that payment was not used (any money taken is returned automatically). Please pay the current total below.</div>';

  // Times in the shop's zone, in the panel's one format; the instant itself for machines and screen readers.
  const when = (d: Date) => `<time datetime="${d.toISOString()}">${esc(formatDateTime(d, view.timeZone))}</time>`;
  const payBy = view.payBy
    ? `<p class="due" id="pay-by">Please pay by ${when(view.payBy)}. An order not paid by then is cancelled.</p>`
    : '';

  let pay = '';
  if (view.payable) {
    if (view.paymentOnItsWay) {
      // Not the pay buttons: a second payment now would be refunded once the first arrives. The pay window
      // waits for money on its way (order-expiry), so no "pay by" either.
      pay = `<section class="card" id="on-its-way"><h2>Payment on its way</h2><p>${esc(onItsWayWords(view.paymentOnItsWay))}</p><p>The order is marked paid when it arrives, and you get a receipt in Discord. There is nothing more to pay now; if this payment does not go through, you can pay again on this page.</p></section>`;
    } else if (view.owedCents <= 0) {
      // Nothing owed (a 100 % discount, a free item): no button, as no provider takes a payment of nothing.
      // Its pay window still runs (nothing confirms it by itself): the deadline is shown, as for any unpaid order.
      pay = `<section class="card" id="nothing-owed"><h2>Payment</h2>${view.payBy ? `<p class="due" id="pay-by">The shop must confirm it by ${when(view.payBy)}; an order not confirmed by then is cancelled.</p>` : ''}<p>There is nothing to pay online for this order: nothing is owed on it. Contact the shop to have it confirmed.</p></section>`;
    } else if (!view.onlinePaymentConfigured) {
      pay = `<section class="card"><h2>Payment</h2>${payBy}<p>Online payment is not configured for this shop yet. Please pay the way the shop told you in Discord, or contact the shop.</p></section>`;
    } else if (view.methods.length === 0) {
      pay = `<section class="card"><h2>Payment</h2>${payBy}<p>This shop does not accept online payment at the moment. Please contact the shop to pay.</p></section>`;
    } else {
      const buttons = view.methods
        .map((m) => `<button type="submit" name="method" value="${esc(m)}">${esc(METHOD_LABELS[m])}</button>`)
        .join('');
      // A part the shop already recorded as received is not asked for again (checkouts charge what is owed).
      const received =
        view.receivedCents > 0
          ? `<p id="received">${money(view.receivedCents)} of ${money(view.totalCents)} already received: this is the rest.</p>`
          : '';
      pay = `<section class="card pay"><h2>Pay ${money(view.owedCents)}</h2>${received}${payBy}<form method="post" action="/invoice/${esc(opts.token)}/pay?owed=${view.owedCents}">${buttons}</form><p class="muted">You will finish paying on the payment processor's secure page.</p></section>`;
    }
  }

  const a = view.shipTo;
  const address = a ? `<section class="card"><h2>Ship to</h2><address>${addressLines(a).map(esc).join('<br>')}</address></section>` : '';

  const expires = view.payable ? `<footer>This link works until ${when(view.expiresAt)}.</footer>` : '';

  return layout(
    `Invoice #${view.orderNumber} · ${view.shopName}`,
    `
${notice}
<section class="card">
<h1>Order #${esc(view.orderNumber)}</h1>
<p class="shop">${esc(view.shopName)}</p>
<p>Status: <span class="${badgeClass}" id="status">${esc(STATUS_LABELS[view.status])}</span></p>
${paid ? paidWith(view, when) : ''}
<table><tbody>${rows.join('')}${summary}</tbody></table>
</section>
${pay}
${address}
${expires}`,
    refreshSeconds,
  );
}

/**
 * What the page says of the receipt DM every paid order's customer is sent (order.paid's discord-notify job), from where
 * it stands (notifications/receipt-dm-state.ts): a DM Discord refused (DMs closed, 50007, or another refusal such as a
 * deleted account or the bot's missing access: the words say neither for sure), or one neither recorded nor
 * still to be sent, is not promised, and the page itself is then the receipt (its order number, lines, amounts, method and time paid), to keep while its link works.
 */
function receiptNotice(view: InvoiceView): string {
  const state = view.receiptDm ?? 'unknown';
  if (state === 'sent')
    return '<div class="notice" id="receipt" data-state="sent">Your receipt was sent to you in Discord as a direct message.</div>';
  if (state === 'not-sent')
    return `<div class="notice" id="receipt" data-state="not-sent">We could not send your receipt to you in Discord: Discord did not accept a direct message to you (for example, when your direct messages are closed to this shop's server). This page is your receipt. Save or print it: this link stops working on ${esc(formatDateTime(view.expiresAt, view.timeZone))}.</div>`;
  if (state === 'sending')
    return '<div class="notice" id="receipt" data-state="sending">Your receipt is being sent to you in Discord as a direct message. Until it arrives, this page is your receipt.</div>';
  return `<div class="notice" id="receipt" data-state="unknown">This page is your receipt. Save or print it: this link stops working on ${esc(formatDateTime(view.expiresAt, view.timeZone))}.</div>`;
}

/** A paid order's method and time paid: with the lines and amounts below, what a receipt holds. */
function paidWith(view: InvoiceView, when: (d: Date) => string): string {
  const at = view.paidAt ? ` on ${when(view.paidAt)}` : '';
  return `<p id="paid-with">Paid with ${esc(paymentMethodLabel(view.paymentMethod))}${at}</p>`;
}

/** The customer's words for their payment that is on its way, by provider (the wait each one means). */
function onItsWayWords(p: NonNullable<InvoiceView['paymentOnItsWay']>): string {
  const amount = formatMoney(p.amountCents, p.currency);
  if (p.provider === 'BTCPAY') return `Your Bitcoin payment of ${amount} is being confirmed by the network. This can take a while.`;
  if (p.provider === 'PAYPAL')
    return p.state === 'PENDING'
      ? `Your PayPal payment of ${amount} is still clearing at PayPal (an eCheck takes a few days).`
      : `You approved a PayPal payment of ${amount}; it is being collected.`;
  return `Your Cash App Pay payment of ${amount} is still pending at Square.`;
}

export function renderInvoiceErrorPage(title: string, message: string): string {
  return layout(title, `<section class="card"><h1>${esc(title)}</h1><p>${esc(message)}</p></section>`);
}
