// The Cash App Pay page hands Square's Web Payments SDK the total as its paymentRequest takes it: a display
// amount in the currency's major unit ("42.50" dollars; "4250" yen, which have no minor unit).
import { describe, expect, it } from 'vitest';
import { renderCashAppPayPage } from './cash-app-pay.view.js';

const view = (totalCents: number, currency: string) => ({
  shopName: 'Shop',
  orderNumber: 1001,
  totalCents,
  currency,
  checkoutId: 'chk_1',
  applicationId: 'sandbox-sq0idb-app',
  locationId: 'LOC1',
  webPaymentsSdkUrl: 'https://sandbox.web.squarecdn.com/v1/square.js',
});
const amountOf = (html: string) => /data-amount="([^"]*)"/.exec(html)?.[1];

describe('the Cash App Pay page', () => {
  it("sends the SDK the total in the currency's major unit", () => {
    expect(amountOf(renderCashAppPayPage(view(4250, 'USD'), 'tok'))).toBe('42.50');
    expect(amountOf(renderCashAppPayPage(view(5, 'USD'), 'tok'))).toBe('0.05');
    expect(amountOf(renderCashAppPayPage(view(4250, 'JPY'), 'tok'))).toBe('4250');
  });
});
