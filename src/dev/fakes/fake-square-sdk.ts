// The fake's stand-in for Square's Web Payments SDK script (web.squarecdn.com/v1/square.js), limited to what a
// Cash App Pay page uses: Square.payments(appId, locationId) -> .paymentRequest({...}) and
// await .cashAppPay(paymentRequest, {redirectURL, referenceId}) -> await .attach(selector) renders the button,
// and 'ontokenization' listeners get an event whose detail is {tokenResult: {status: 'OK', token, details}}
// as Square documents it. Clicking the button stands for the buyer approving in Cash App; the token handed out
// is one of Square's sandbox test values (wnon:cash-app-ok unless the fake is told otherwise).
export function fakeSquareSdkScript(token: string): string {
  return `(function () {
  'use strict';
  var TOKEN = ${JSON.stringify(token)};
  function fail(name, message) { var e = new Error(message); e.name = name; return e; }
  function PaymentRequest(options) {
    if (!options || !options.countryCode || !options.currencyCode || !options.total || typeof options.total.amount !== 'string') {
      throw fail('InvalidPaymentRequestError', 'paymentRequest needs countryCode, currencyCode and total.amount (a string)');
    }
    this.options = options;
  }
  PaymentRequest.prototype.update = function (options) { Object.assign(this.options, options); return true; };
  function CashAppPay(paymentRequest, options) {
    if (!(paymentRequest instanceof PaymentRequest)) throw fail('CashAppPayInvalidPaymentRequestError', 'not a PaymentRequest');
    if (!options || !options.redirectURL) throw fail('CashAppPayMissingRedirectUrlError', 'redirectURL is required');
    this.paymentRequest = paymentRequest;
    this.options = options;
    this.listeners = {};
    this.element = null;
  }
  CashAppPay.prototype.attach = function (target) {
    var host = typeof target === 'string' ? document.querySelector(target) : target;
    if (!host) return Promise.reject(fail('ElementNotFoundError', 'No element matches ' + target));
    if (this.element) return Promise.reject(fail('PaymentMethodAlreadyAttachedError', 'already attached'));
    var self = this;
    var button = document.createElement('button');
    button.type = 'button';
    button.setAttribute('data-fake-square', 'cash-app-pay');
    button.setAttribute('aria-label', 'Cash App Pay');
    button.textContent = 'Cash App Pay';
    button.style.cssText = 'display:block;width:100%;min-height:48px;border:0;border-radius:24px;background:#00d64f;color:#fff;font:600 17px system-ui,sans-serif;cursor:pointer';
    button.addEventListener('click', function () {
      var detail = { tokenResult: { status: 'OK', token: TOKEN, details: { method: 'Cash App Pay', cashAppPay: { cashtag: '$SandboxBuyer', customerId: 'CST_SANDBOX', referenceId: self.options.referenceId || null } } } };
      self.dispatch('ontokenization', detail);
    });
    host.appendChild(button);
    this.element = button;
    return Promise.resolve();
  };
  CashAppPay.prototype.addEventListener = function (type, cb) { (this.listeners[type] = this.listeners[type] || []).push(cb); };
  CashAppPay.prototype.removeEventListener = function (type, cb) { this.listeners[type] = (this.listeners[type] || []).filter(function (f) { return f !== cb; }); };
  CashAppPay.prototype.dispatch = function (type, detail) {
    var event = new CustomEvent(type, { detail: detail });
    (this.listeners[type] || []).forEach(function (cb) { cb(event); });
  };
  CashAppPay.prototype.destroy = function () { if (this.element) this.element.remove(); this.element = null; return Promise.resolve(true); };
  window.Square = {
    payments: function (applicationId, locationId) {
      if (!applicationId) throw fail('InvalidApplicationIdError', 'applicationId is required');
      if (!locationId) throw fail('InvalidLocationIdError', 'locationId is required');
      return {
        paymentRequest: function (options) { return new PaymentRequest(options); },
        cashAppPay: function (paymentRequest, options) {
          try { return Promise.resolve(new CashAppPay(paymentRequest, options)); } catch (e) { return Promise.reject(e); }
        }
      };
    }
  };
})();
`;
}
