// The customer-facing invoice page: GET /invoice/:token (HTML) and POST /invoice/:token/pay (form → 303 to
// the processor's checkout). Errors are friendly HTML pages with the right status, never the JSON body.
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { InvoiceService } from '../../../modules/invoices/invoice.service.js';
import { INVALID_LINK_MESSAGE } from '../../../modules/invoices/invoice-token.js';
import { isAppError } from '../../../platform/errors.js';
import type { Logger } from '../../../platform/logger.js';
import { ProviderRejectedError } from '../../../modules/payments-processor/providers/provider.port.js';
import { toAppError } from '../error-handler.js';
import { isUndecodablePath } from '../../../platform/errors.js';
import { waitWords } from '../rate-limit.js';
import { requestOrigin } from '../request-origin.js';
import { CHECKOUT_NOTICES, INVOICE_STYLE_HASH, renderInvoiceErrorPage, renderInvoicePage } from './invoice-page.view.js';
import { CASH_APP_SCRIPT, CASH_APP_SCRIPT_PATH, cashAppPayCsp, renderCashAppPayPage } from './cash-app-pay.view.js';

const payForm = z.object({ method: z.string().min(1).max(40) });
/** The amount the page showed when its pay form was drawn (in the form's action); absent from pages drawn before it was. */
const payQuery = z.object({ owed: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional() }).catch({});
const checkoutParam = z.enum(CHECKOUT_NOTICES).optional().catch(undefined);
/** The CONFLICTs of CheckoutService.start the page explains itself (`details.checkout`; 'opening' has a page of its own). */
const startRefusal = z.enum(['changed', 'amount-changed', 'on-its-way']);
const chargeBody = z.object({ sourceToken: z.string().min(1).max(500) });
/** Square's Cash App Pay button lives on our own page (Web Payments SDK): where a press of it goes. */
const cashAppPage = (token: string, checkoutId: string) =>
  `/invoice/${encodeURIComponent(token)}/cash-app/${encodeURIComponent(checkoutId)}`;
const openingPage = (token: string, checkoutId: string) =>
  `/invoice/${encodeURIComponent(token)}/opening/${encodeURIComponent(checkoutId)}`;
const returnQuery = z.object({ token: z.string().min(1).max(100).optional() }).catch({});

/**
 * The token is in the URL, so: no Referer ever leaves the page, nothing is cached, nothing is indexed.
 * No script may run (CSP without script-src); the one inline stylesheet is allowed by hash. form-action is
 * left open on purpose: browsers apply it to the 303 redirect to the processor's checkout, whose origin we
 * do not know in advance.
 */
function securityHeaders(_req: Request, res: Response, next: NextFunction) {
  res.set({
    'Content-Security-Policy': `default-src 'none'; style-src ${INVOICE_STYLE_HASH}; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'`,
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
    'X-Robots-Tag': 'noindex, nofollow',
  });
  next();
}

const ERROR_PAGES: Record<string, { status: number; title: string }> = {
  INVOICE_LINK_INVALID: { status: 403, title: 'This link is not valid' },
  INVOICE_LINK_EXPIRED: { status: 410, title: 'This link has expired' },
  INVOICE_LINK_DISABLED: { status: 503, title: 'Invoices are unavailable' },
  NOT_FOUND: { status: 404, title: 'Order not found' },
  PAYMENT_METHOD_NOT_ENABLED: { status: 400, title: 'Payment method not available' },
  VALIDATION_FAILED: { status: 400, title: 'Something was missing' },
  UPSTREAM_UNAVAILABLE: { status: 503, title: 'Payment is temporarily unavailable' },
};

/**
 * The invoice page's answer over its rate limit (app.ts mounts the limit before this router): a page in the
 * customer's browser, with the page's own headers, not the API's JSON.
 */
export function sendInvoiceRateLimitedPage(req: Request, res: Response, seconds: number): void {
  securityHeaders(req, res, () => undefined);
  res
    .status(429)
    .type('html')
    .send(
      renderInvoiceErrorPage(
        'Too many requests',
        `This page was opened too many times from your network. Try again in ${waitWords(seconds)}.`,
      ),
    );
}

/** The page of a link that is not valid, for one the router could not read (no such page, or undecodable). */
function sendInvalidLinkPage(res: Response, status: 400 | 404): void {
  res.status(status).type('html').send(renderInvoiceErrorPage(ERROR_PAGES.INVOICE_LINK_INVALID!.title, INVALID_LINK_MESSAGE));
}

export function invoiceRoutes(deps: { invoices: InvoiceService; logger: Logger }): Router {
  const { invoices, logger } = deps;
  const router = Router();
  router.use('/invoice', securityHeaders);

  const fail = (req: Request, res: Response, err: unknown) => {
    if (err instanceof ProviderRejectedError) {
      (req.log ?? logger).warn({ providerCode: err.providerCode }, 'provider refused a checkout call');
      res
        .status(502)
        .type('html')
        .send(
          renderInvoiceErrorPage(
            'The payment provider refused',
            "The shop's payment provider did not accept this payment. Try another method or contact the shop.",
          ),
        );
      return;
    }
    const page = isAppError(err) ? ERROR_PAGES[err.code] : undefined;
    if (!page || !isAppError(err)) {
      (req.log ?? logger).error({ err }, 'invoice page failed');
      res
        .status(500)
        .type('html')
        .send(renderInvoiceErrorPage('Something went wrong', 'Please try again in a minute. If it keeps happening, contact the shop.'));
      return;
    }
    res.status(page.status).type('html').send(renderInvoiceErrorPage(page.title, err.message));
  };

  router.get('/invoice/:token', async (req, res) => {
    try {
      const token = String(req.params.token);
      const view = await invoices.view(token);
      res.type('html').send(renderInvoicePage(view, { token, checkout: checkoutParam.parse(req.query.checkout) }));
    } catch (err) {
      fail(req, res, err);
    }
  });

  router.post('/invoice/:token/pay', express.urlencoded({ extended: false, limit: '2kb' }), async (req, res) => {
    const token = String(req.params.token);
    try {
      const form = payForm.safeParse(req.body ?? {});
      if (!form.success) {
        res
          .status(400)
          .type('html')
          .send(renderInvoiceErrorPage('Choose a payment method', 'Go back and press one of the payment buttons.'));
        return;
      }
      const started = await invoices.startCheckout(token, form.data.method, {
        fallbackBaseUrl: requestOrigin(req),
        expectedOwedCents: payQuery.parse(req.query).owed,
      });
      res.redirect(303, started.url ?? cashAppPage(token, started.checkoutId));
    } catch (err) {
      // Paid or cancelled meanwhile (another tab, an admin): the page itself explains the current state.
      if (isAppError(err) && err.code === 'ILLEGAL_STATE') return res.redirect(303, `/invoice/${encodeURIComponent(token)}`);
      // A press made while an earlier press's checkout is being opened (a double tap): a page that waits on it.
      const earlier =
        isAppError(err) && err.code === 'CONFLICT' && err.details?.checkout === 'opening' ? err.details.checkoutId : undefined;
      if (typeof earlier === 'string') return res.redirect(303, openingPage(token, earlier));
      // Nothing opened, and the page says why (CheckoutService.start's CONFLICT): changed while the provider was
      // creating the checkout (voided), owing another amount than the page showed (amount-changed), or a payment
      // already on its way (on-its-way: a page drawn before it was sent still had the buttons).
      const notice = isAppError(err) && err.code === 'CONFLICT' ? startRefusal.safeParse(err.details?.checkout) : undefined;
      if (notice?.success) return res.redirect(303, `/invoice/${encodeURIComponent(token)}?checkout=${notice.data}`);
      fail(req, res, err);
    }
  });

  // The page of a press of Pay made while an earlier press's payment was being opened: it loads itself again until
  // that payment is open, then goes where the earlier press did (CheckoutService.pressLanding).
  router.get('/invoice/:token/opening/:checkoutId', async (req, res) => {
    const token = String(req.params.token);
    try {
      const landing = await invoices.pressLanding(token, String(req.params.checkoutId));
      if (landing.outcome === 'landed') return res.redirect(303, landing.redirectUrl ?? cashAppPage(token, landing.checkoutId));
      if (landing.outcome === 'opening')
        return res.type('html').send(renderInvoicePage(await invoices.view(token), { token, checkout: 'opening', waiting: true }));
      const notice = landing.outcome === 'gone' ? '' : `?checkout=${landing.outcome}`;
      res.redirect(303, `/invoice/${encodeURIComponent(token)}${notice}`);
    } catch (err) {
      fail(req, res, err);
    }
  });

  router.get(CASH_APP_SCRIPT_PATH, (_req, res) => {
    res
      .set({ 'Cache-Control': 'public, max-age=300', 'X-Content-Type-Options': 'nosniff' })
      .type('application/javascript')
      .send(CASH_APP_SCRIPT);
  });

  router.get('/invoice/:token/cash-app/:checkoutId', async (req, res) => {
    const token = String(req.params.token);
    try {
      const view = await invoices.cashAppPay(token, String(req.params.checkoutId));
      res.set('Content-Security-Policy', cashAppPayCsp(view.webPaymentsSdkUrl)).type('html').send(renderCashAppPayPage(view, token));
    } catch (err) {
      fail(req, res, err);
    }
  });

  // The Web Payments SDK's one-time token, posted by our script (JSON only: a cross-site form cannot send it).
  router.post('/invoice/:token/cash-app/:checkoutId/charge', express.json({ limit: '2kb' }), async (req, res) => {
    const token = String(req.params.token);
    const back = `/invoice/${encodeURIComponent(token)}`;
    const body = chargeBody.safeParse(req.body ?? {});
    if (!req.is('application/json') || !body.success) {
      res.status(400).json({ message: 'The payment token is missing. Go back to the invoice and try again.' });
      return;
    }
    try {
      const outcome = await invoices.chargeToken(token, String(req.params.checkoutId), body.data.sourceToken);
      res.json({ outcome, next: `${back}?checkout=${outcome}` });
    } catch (err) {
      const page = isAppError(err) ? ERROR_PAGES[err.code] : undefined;
      if (!page) (req.log ?? logger).error({ err }, 'Cash App Pay charge failed');
      res
        .status(page?.status ?? 500)
        .json({ message: page && isAppError(err) ? err.message : 'Something went wrong. Please try again in a minute.' });
    }
  });

  // The provider sends the buyer back here (PayPal adds ?token=<its order id>&PayerID=...): we capture and
  // show the page with what happened. PAID only when the provider says the money is captured.
  router.get('/invoice/:token/return/:checkoutId', async (req, res) => {
    const token = String(req.params.token);
    try {
      const outcome = await invoices.completeReturn(token, String(req.params.checkoutId), returnQuery.parse(req.query).token);
      res.redirect(303, `/invoice/${encodeURIComponent(token)}?checkout=${outcome}`);
    } catch (err) {
      fail(req, res, err);
    }
  });

  // An address under /invoice that is no page of ours (a link cut after "/invoice/", or with a piece added):
  // the page of a link that is not valid, 404, instead of the API's JSON.
  router.all(['/invoice', '/invoice/{*rest}'], (_req, res) => sendInvalidLinkPage(res, 404));

  router.use('/invoice', invoiceErrorPages);

  return router;
}

/**
 * A request to /invoice refused before any page answered it, as a page with the invoice page's headers, not the
 * API's JSON. Mounted in the router (a path Express cannot decode) and after it in app.ts, for what the app's own
 * parsers refuse before the router runs (a malformed or oversized body, NUL bytes in the query): those came back
 * as JSON with the generic headers (a security review, 2026-12-04). A link broken on its way to the customer (cut
 * in the middle of "%E0%A4%A5", or retyped) gets the page of a link that is not valid, as a tampered one does.
 * Server faults go on to the app's error handler.
 */
export function invoiceErrorPages(err: unknown, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(err);
  if (isUndecodablePath(err)) {
    securityHeaders(req, res, () => undefined);
    return sendInvalidLinkPage(res, 400);
  }
  const { appErr, unexpected } = toAppError(err);
  if (unexpected || appErr.httpStatus >= 500) return next(err);
  securityHeaders(req, res, () => undefined);
  res
    .status(appErr.httpStatus)
    .type('html')
    .send(
      renderInvoiceErrorPage(
        'This request could not be read',
        'Open the invoice link again and try once more. If it keeps happening, contact the shop.',
      ),
    );
}
