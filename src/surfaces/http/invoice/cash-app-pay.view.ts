// The Cash App Pay step of the invoice page: Square's Web Payments SDK (the connection's script URL) renders
// its Cash App Pay button here; when the buyer approves in Cash App, the SDK hands our script a one-time token,
// which it posts to /invoice/:token/cash-app/:checkoutId/charge; our server charges it (CreatePayment) and
// answers where to go next. The page's settings travel in data attributes: no inline script.
import type { CashAppPayView } from '../../../modules/invoices/invoice.service.js';
import { centsToDecimalString, formatMoney } from '../../../platform/money.js';
import { esc } from './html.js';
import { layout } from './invoice-page.view.js';

export const CASH_APP_SCRIPT_PATH = '/invoice-assets/cash-app-pay.js';

/** Origins Square's Web Payments SDK talks to (its script, API, iframes) besides our own. */
const SQUARE_ORIGINS = 'https://*.squarecdn.com https://*.squareup.com https://*.squareupsandbox.com https://*.cash.app';

/** The CSP for this page only: the SDK's origin may run script; Square's SDK injects its own styles and frames. */
export function cashAppPayCsp(sdkUrl: string): string {
  const sdk = new URL(sdkUrl).origin;
  return [
    "default-src 'none'",
    `script-src 'self' ${sdk}`,
    `connect-src 'self' ${sdk} ${SQUARE_ORIGINS}`,
    `frame-src ${sdk} ${SQUARE_ORIGINS}`,
    "style-src 'self' 'unsafe-inline' https:",
    "img-src 'self' data: https:",
    'font-src https: data:',
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function renderCashAppPayPage(v: CashAppPayView, token: string): string {
  // Square's paymentRequest takes the total as a display amount in the currency's major unit ("5.79"; yen have none).
  const amount = centsToDecimalString(v.totalCents, v.currency);
  const back = `/invoice/${encodeURIComponent(token)}`;
  return layout(
    `Cash App Pay · Order #${v.orderNumber}`,
    `
<section class="card pay">
<h1>Pay ${esc(formatMoney(v.totalCents, v.currency))} with Cash App Pay</h1>
<p class="shop">${esc(v.shopName)} · Order #${esc(v.orderNumber)}</p>
<div id="cash-app-pay-config" hidden
  data-application-id="${esc(v.applicationId)}" data-location-id="${esc(v.locationId)}"
  data-amount="${esc(amount)}" data-currency="${esc(v.currency)}" data-checkout-id="${esc(v.checkoutId)}"
  data-charge-url="${esc(`${back}/cash-app/${encodeURIComponent(v.checkoutId)}/charge`)}"></div>
<div id="cash-app-pay"></div>
<p class="muted" id="cash-app-status" role="status">Loading Cash App Pay…</p>
<p><a href="${esc(back)}">Back to the invoice</a></p>
</section>
<script src="${esc(v.webPaymentsSdkUrl)}"></script>
<script src="${CASH_APP_SCRIPT_PATH}"></script>`,
  );
}

/** Runs in the buyer's browser, served from our origin (CSP 'self'). */
export const CASH_APP_SCRIPT = `(function () {
  'use strict';
  var cfg = document.getElementById('cash-app-pay-config').dataset;
  var status = document.getElementById('cash-app-status');
  function show(message) { status.textContent = message; }
  async function start() {
    if (!window.Square) { show('Cash App Pay could not load. Go back to the invoice and choose another method.'); return; }
    var payments = window.Square.payments(cfg.applicationId, cfg.locationId);
    var request = payments.paymentRequest({ countryCode: 'US', currencyCode: cfg.currency, total: { amount: cfg.amount, label: 'Total' } });
    var cashAppPay = await payments.cashAppPay(request, { redirectURL: window.location.href, referenceId: cfg.checkoutId });
    var sending = false;
    cashAppPay.addEventListener('ontokenization', async function (event) {
      var result = event.detail && event.detail.tokenResult;
      if (!result || result.status !== 'OK') { show('Cash App Pay did not finish. You can try again.'); return; }
      if (sending) return;
      sending = true;
      show('Confirming your payment…');
      try {
        var res = await fetch(cfg.chargeUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sourceToken: result.token }), credentials: 'same-origin' });
        var body = await res.json().catch(function () { return {}; });
        if (body.next) { window.location.assign(body.next); return; }
        show(body.message || 'The payment did not go through. You can try again.');
      } catch (e) {
        show('We could not reach the shop. Check your connection and try again.');
      }
      sending = false;
    });
    await cashAppPay.attach('#cash-app-pay');
    show('Press the Cash App Pay button to pay.');
  }
  start().catch(function () { show('Cash App Pay is not available right now. Go back to the invoice and choose another method.'); });
})();
`;
