// A local fake of PayPal's REST API for development (`npm start`), the simulator and the tests, written from
// PayPal's OpenAPI documents (paypal-rest-api-specifications: checkout_orders_v2, payments_payment_v2,
// notifications_webhooks_v1), not from our adapter (it imports none of our code):
//   POST /v1/oauth2/token                           Basic client_id:secret, grant_type=client_credentials
//   POST /v2/checkout/orders                        intent CAPTURE; PAYER_ACTION_REQUIRED + payer-action link
//   GET  /v2/checkout/orders/{id}                   purchase_units[].payments lists captures and refunds
//   POST /v2/checkout/orders/{id}/capture           422 ORDER_NOT_APPROVED / ORDER_ALREADY_CAPTURED
//   GET  /v2/payments/captures/{id}, POST /v2/payments/captures/{id}/refund (empty body = the rest)
//   GET  /v2/payments/refunds/{id}
//   POST /v1/notifications/webhooks, GET /v1/notifications/webhooks
//   GET  /v1/notifications/certs/{certId}           the PEM certificate webhooks are signed with
//   GET  /checkoutnow?token=                        the buyer's approval page (a real page a browser clicks)
//   GET  /developer, POST /developer/webhooks       the developer dashboard's "Add Webhook" (a page a person uses)
// PayPal-Request-Id makes create, capture and refund idempotent; PayPal-Mock-Response
// {"mock_application_codes":"INSTRUMENT_DECLINED"} (or any other code) makes capture or refund fail with it,
// as in PayPal's sandbox. Webhooks are signed as PayPal signs them: SHA256withRSA over
// "transmissionId|transmissionTime|webhookId|crc32(body)" with the key of the certificate at PAYPAL-CERT-URL.
// Like PayPal, the fake sends every event of an app to each webhook URL registered for that app, and knows
// nothing of our shops: a shop connected with the development app gets its events once its owner has added the
// Webhook URL its PayPal card shows on the fake's developer dashboard (GET /developer), as on PayPal's. PayPal
// keeps an app's webhooks; the fake keeps nothing, so the development server gives them back at every start
// from the connections the database saved (restoreWebhook, called by seed/demo-processors.ts).
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import express, { type Request, type Response } from 'express';
import { selfSignedCertificate } from './self-signed-cert.js';
import { AnswerHold } from './fake-http.js';

interface Money {
  currency_code: string;
  value: string;
}
interface FakeRefund {
  id: string;
  status: string;
  amount: Money;
  captureId: string;
  note_to_payer?: string;
  /** The refund request's custom_id, echoed on the refund (and its webhook). */
  custom_id?: string;
  create_time: string;
}
interface FakeCapture {
  id: string;
  orderId: string;
  status: string;
  amount: Money;
  invoice_id?: string;
  custom_id?: string;
  status_details?: { reason: string };
  refunds: FakeRefund[];
  create_time: string;
  update_time: string;
}
interface FakeOrder {
  id: string;
  clientId: string;
  status: 'PAYER_ACTION_REQUIRED' | 'APPROVED' | 'COMPLETED' | 'VOIDED';
  purchaseUnit: { reference_id?: string; invoice_id?: string; custom_id?: string; description?: string; amount: Money };
  returnUrl: string;
  cancelUrl: string;
  /** Set on the approval page: "echeck" makes the capture PENDING (PayPal's eCheck funding). */
  funding?: 'balance' | 'echeck';
  payerId?: string;
  captures: FakeCapture[];
  create_time: string;
}
interface FakeApp {
  clientId: string;
  secret: string;
  webhooks: { id: string; url: string; event_types: { name: string }[] }[];
  /**
   * The merchant's "Block accidental payments: yes, block multiple payments per invoice ID" setting: a create
   * order whose invoice_id an earlier order of this account already carries is refused, 422
   * UNPROCESSABLE_ENTITY / DUPLICATE_INVOICE_ID (an idempotent replay with the same PayPal-Request-Id still
   * answers the first order).
   */
  blockDuplicateInvoiceId?: boolean;
  /** Invoice ids of payments this account took outside the Orders API (PayPal invoicing, another site's button). */
  paidOutside?: Set<string>;
}
export interface SentWebhook {
  eventId: string;
  type: string;
  url: string;
  body: string;
  headers: Record<string, string>;
  status?: number;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const id = (prefix = '', n = 17) => prefix + randomBytes(n).toString('hex').toUpperCase().slice(0, n);
// PayPal's currency codes page: HUF, JPY and TWD take no decimals ("Decimal amounts cause an error":
// DECIMALS_NOT_SUPPORTED); every other currency takes at most two. Amounts are kept here in the currency's
// smallest unit PayPal accepts (cents, whole yen).
const NO_DECIMALS = new Set(['HUF', 'JPY', 'TWD']);
const places = (currency: string) => (NO_DECIMALS.has(currency.toUpperCase()) ? 0 : 2);
const cents = (m: Money) => Math.round(Number(m.value) * 10 ** places(m.currency_code));
const value = (c: number, currency: string) => (places(currency) === 0 ? String(c) : (c / 100).toFixed(2));
/** The issue PayPal names for an amount it refuses, or null when it takes it. */
const amountIssue = (m: { currency_code?: unknown; value?: unknown }): 'DECIMALS_NOT_SUPPORTED' | 'DECIMAL_PRECISION' | null => {
  const digits = /\.(\d*)$/.exec(String(m.value ?? ''))?.[1];
  if (digits === undefined) return null;
  if (places(String(m.currency_code ?? '')) === 0) return 'DECIMALS_NOT_SUPPORTED';
  return digits.length > 2 ? 'DECIMAL_PRECISION' : null;
};
const AMOUNT_ISSUES = {
  DECIMALS_NOT_SUPPORTED: 'Currency does not support decimals.',
  DECIMAL_PRECISION: 'If the currency supports decimals, only two decimal place precision is supported.',
} as const;

export class FakePayPal {
  url = '';
  private server?: Server;
  private readonly apps = new Map<string, FakeApp>();
  private readonly tokens = new Map<string, string>();
  readonly orders = new Map<string, FakeOrder>();
  readonly captures = new Map<string, FakeCapture>();
  readonly refunds = new Map<string, FakeRefund>();
  private readonly idempotent = new Map<string, { status: number; body: unknown }>();
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly certId = `CERT-${randomUUID()}`;
  private certPem = '';
  /** Every webhook sent (or dropped), in order. */
  readonly sent: SentWebhook[] = [];
  /** When true, webhooks are recorded but not delivered (a lost webhook). */
  dropWebhooks = false;
  private readonly inFlight = new Set<Promise<void>>();
  /** The next N API calls (not the token call) answer 503 INTERNAL_SERVER_ERROR, as during an outage. */
  failNext = 0;
  /** Reads (GET) of a matching path that fail: '5xx' answers 503 at once; 'hang' answers 503 only after holdMs
   *  (a caller's timeout gives up first), as a PayPal that is slow or down; '404' answers RESOURCE_NOT_FOUND, as
   *  PayPal does for an order it no longer shows. */
  private readFailures: { path: RegExp; kind: '5xx' | 'hang' | '404'; times: number }[] = [];
  /** Requests seen, for assertions: "METHOD path" plus the PayPal-Request-Id. */
  readonly requests: { method: string; path: string; requestId?: string; body: unknown; status?: number }[] = [];
  /** The next refund's failure (every refund's while refundFailureStays): '5xx' answers 503; 'timeout' refunds, then answers after holdMs (a lost answer);
   *  'reject' answers 422 REFUND_NOT_ALLOWED. */
  private refundFailure?: '5xx' | 'timeout' | 'reject';
  holdMs = 2_000;
  private readonly refundHold = new AnswerHold();
  private readonly createHold = new AnswerHold();

  /**
   * The next refund request (and its retries, same PayPal-Request-Id) is carried out at once (the refund made,
   * its webhook sent) but answered only once the returned function is called: our refund job waits on PayPal's
   * answer meanwhile, its refund not yet recorded. Other refund requests are answered as usual.
   */
  holdNextRefundAnswer(): () => void {
    return this.refundHold.holdNext();
  }

  /**
   * The next create-order request (and its retries, same PayPal-Request-Id) is received but carried out and answered
   * only once the returned function is called: our checkout stays CREATING meanwhile, as while PayPal is slow.
   */
  holdNextCreateAnswer(): () => void {
    return this.createHold.holdNext();
  }

  constructor(private readonly opts: { now?: () => Date } = {}) {}

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  addApp(clientId: string, secret: string, opts: { blockDuplicateInvoiceId?: boolean } = {}): void {
    this.apps.set(clientId, { clientId, secret, webhooks: [], ...opts });
  }

  /** Turns the account's "block multiple payments per invoice ID" setting on or off. */
  setBlockDuplicateInvoiceId(clientId: string, on: boolean): void {
    const app = this.apps.get(clientId);
    if (!app) throw new Error(`no app ${clientId}`);
    app.blockDuplicateInvoiceId = on;
  }

  /**
   * A payment this account took outside the Orders API (a PayPal invoice, another site's button) with this
   * invoice_id: with "block multiple payments per invoice ID" on, a capture of an order carrying it is refused.
   */
  paidOutside(clientId: string, invoiceId: string): void {
    const app = this.apps.get(clientId);
    if (!app) throw new Error(`no app ${clientId}`);
    (app.paidOutside ??= new Set()).add(invoiceId);
  }

  /** What a shop owner does in the developer dashboard: returns the webhook id. */
  registerWebhook(clientId: string, url: string, webhookId?: string): string {
    const app = this.apps.get(clientId);
    if (!app) throw new Error(`no app ${clientId}`);
    const hook = { id: webhookId ?? id('WH', 17), url, event_types: [{ name: '*' }] };
    app.webhooks.push(hook);
    return hook.id;
  }

  /**
   * The developer dashboard's "Add Webhook": the app's webhook for `url`, the one it has or a new one. Its id is
   * the same for the same app and URL, so adding the URL again gives the Webhook ID the shop already saved; when
   * the app has that id already (given back at start under the server's 127.0.0.1 address, added before as
   * localhost), that webhook is the answer: an id names one webhook.
   */
  addWebhookFromDashboard(clientId: string, url: string): string {
    const app = this.apps.get(clientId);
    if (!app) throw new Error(`no app ${clientId}`);
    const digest = createHash('sha256').update(`${clientId} ${url}`).digest('hex').toUpperCase();
    const webhookId = `WH-${digest.slice(0, 17)}-${digest.slice(17, 34)}`;
    const existing = app.webhooks.find((h) => h.url === url || h.id === webhookId);
    if (existing) return existing.id;
    return this.registerWebhook(clientId, url, webhookId);
  }

  /** Whether the fake has the REST app `clientId` (the development server's fake has one: DEV_PAYPAL_APP). */
  hasApp(clientId: string): boolean {
    return this.apps.has(clientId);
  }

  /**
   * What PayPal keeps and this fake forgets when it restarts: the app's webhook `webhookId` for `url`, as a
   * connection saved it before the restart. A Webhook ID names one webhook (PayPal's are unique), so an id the app
   * already has (the demo shop's, typed into a second shop's card) is not given to another URL, and a URL that
   * has a webhook keeps it. Returns whether it was added.
   */
  restoreWebhook(clientId: string, url: string, webhookId: string): boolean {
    const app = this.apps.get(clientId);
    if (!app || app.webhooks.some((h) => h.id === webhookId || h.url === url)) return false;
    this.registerWebhook(clientId, url, webhookId);
    return true;
  }

  async start(port = 0): Promise<this> {
    const now = this.now();
    this.certPem = selfSignedCertificate({
      ...this.keys,
      commonName: 'messageverificationcerts.sandbox.paypal.com (fake)',
      notBefore: new Date(now.getTime() - 86_400_000),
      notAfter: new Date(now.getTime() + 365 * 86_400_000),
    });
    const app = express();
    app.use(express.json({ type: 'application/json', limit: '100kb' }));
    app.use(express.urlencoded({ extended: false }));
    app.use((req, res, next) => {
      const entry: (typeof this.requests)[number] = {
        method: req.method,
        path: req.path,
        requestId: req.get('paypal-request-id'),
        body: req.body,
      };
      this.requests.push(entry);
      res.on('finish', () => {
        entry.status = res.statusCode;
      });
      if (this.failNext > 0 && req.path.startsWith('/v2/')) {
        this.failNext--;
        res.status(503).json({ name: 'INTERNAL_SERVER_ERROR', message: 'An internal server error occurred.', debug_id: 'fake503' });
        return;
      }
      const readFailure = req.method === 'GET' ? this.readFailures.find((f) => f.times > 0 && f.path.test(req.path)) : undefined;
      if (readFailure) {
        readFailure.times--;
        if (readFailure.kind === '404') {
          res.status(404).json({
            name: 'RESOURCE_NOT_FOUND',
            message: 'The specified resource does not exist.',
            debug_id: 'fake404',
            details: [
              {
                issue: 'INVALID_RESOURCE_ID',
                description: 'Specified resource ID does not exist. Please check the resource ID and try again.',
              },
            ],
          });
          return;
        }
        const answer = () => {
          if (!res.headersSent && !res.destroyed)
            res.status(503).json({ name: 'INTERNAL_SERVER_ERROR', message: 'An internal server error occurred.', debug_id: 'fake503' });
        };
        if (readFailure.kind === 'hang') setTimeout(answer, this.holdMs);
        else answer();
        return;
      }
      next();
    });
    this.routes(app);
    await new Promise<void>((resolve) => {
      this.server = app.listen(port, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await this.settle();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Waits for every webhook delivery in flight. */
  async settle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  /** The next `times` GETs of a path matching `path` fail (see readFailures). */
  failReads(path: RegExp, kind: '5xx' | 'hang' | '404', times = 1): void {
    this.readFailures.push({ path, kind, times });
  }

  /** The next refund request fails this way; with `untilCleared`, every one does until clearRefundFailures(). */
  failRefunds(kind: '5xx' | 'timeout' | 'reject', opts: { untilCleared?: boolean } = {}): void {
    this.refundFailure = kind;
    this.refundFailureStays = opts.untilCleared ?? false;
  }

  clearRefundFailures(): void {
    this.refundFailure = undefined;
    this.refundFailureStays = false;
  }
  private refundFailureStays = false;

  /** One-shot: the next create order is refused 422 UNPROCESSABLE_ENTITY with this issue (e.g. PAYEE_ACCOUNT_RESTRICTED). */
  refuseNextCreate(issue: string): void {
    this.createRefusal = issue;
  }
  private createRefusal?: string;

  /** Refund requests for one capture, in order. */
  refundRequests(captureId: string) {
    return this.requests.filter((r) => r.method === 'POST' && r.path === `/v2/payments/captures/${captureId}/refund`);
  }

  /** What PayPal has refunded of a capture, in the currency's smallest unit PayPal takes (cents, whole yen). */
  refundedCents(captureId: string): number {
    return (this.captures.get(captureId)?.refunds ?? []).reduce((sum, r) => sum + cents(r.amount), 0);
  }

  /** The approval page's "Pay" button, for tests that do not drive a browser. */
  approve(orderId: string, funding: 'balance' | 'echeck' = 'balance'): string {
    const order = this.orders.get(orderId);
    if (!order) throw new Error(`no order ${orderId}`);
    if (order.status === 'PAYER_ACTION_REQUIRED') {
      order.status = 'APPROVED';
      order.funding = funding;
      order.payerId = id('', 13);
      this.emit(order.clientId, 'CHECKOUT.ORDER.APPROVED', 'checkout-order', this.orderJson(order), `An order has been approved by buyer`);
    }
    const back = new URL(order.returnUrl);
    back.searchParams.set('token', order.id);
    back.searchParams.set('PayerID', order.payerId ?? '');
    return back.toString();
  }

  /** Captures an APPROVED order as POST /v2/checkout/orders/{id}/capture does (tests: a capture made while
   *  our webhook or return never arrives). Returns the capture id. */
  capture(orderId: string): string {
    const order = this.orders.get(orderId);
    if (!order || order.status !== 'APPROVED') throw new Error(`order ${orderId} is not approved`);
    this.captureOrder(order);
    return order.captures.at(-1)!.id;
  }

  private captureOrder(order: FakeOrder) {
    const at = this.now().toISOString();
    const capture: FakeCapture = {
      id: id('', 17),
      orderId: order.id,
      status: order.funding === 'echeck' ? 'PENDING' : 'COMPLETED',
      ...(order.funding === 'echeck' ? { status_details: { reason: 'ECHECK' } } : {}),
      amount: order.purchaseUnit.amount,
      invoice_id: order.purchaseUnit.invoice_id,
      custom_id: order.purchaseUnit.custom_id,
      refunds: [],
      create_time: at,
      update_time: at,
    };
    order.captures.push(capture);
    order.status = 'COMPLETED';
    this.captures.set(capture.id, capture);
    this.emit(
      order.clientId,
      capture.status === 'PENDING' ? 'PAYMENT.CAPTURE.PENDING' : 'PAYMENT.CAPTURE.COMPLETED',
      'capture',
      this.captureJson(capture),
      `Payment ${capture.status.toLowerCase()}`,
    );
    return this.orderJson(order);
  }

  /** PayPal clears a PENDING (eCheck) capture: COMPLETED, and PAYMENT.CAPTURE.COMPLETED is sent. */
  clearPendingCapture(captureId: string): void {
    const c = this.captures.get(captureId);
    if (!c || c.status !== 'PENDING') throw new Error(`capture ${captureId} is not pending`);
    c.status = 'COMPLETED';
    delete c.status_details;
    c.update_time = this.now().toISOString();
    this.emit(this.orders.get(c.orderId)!.clientId, 'PAYMENT.CAPTURE.COMPLETED', 'capture', this.captureJson(c), 'Payment completed');
  }

  /**
   * PayPal denies a PENDING (eCheck) capture, as when the buyer's bank returns the eCheck: the capture turns DECLINED
   * and PAYMENT.CAPTURE.DENIED is sent. No money reaches the merchant.
   */
  denyPendingCapture(captureId: string): void {
    const c = this.captures.get(captureId);
    if (!c || c.status !== 'PENDING') throw new Error(`capture ${captureId} is not pending`);
    c.status = 'DECLINED';
    delete c.status_details;
    c.update_time = this.now().toISOString();
    this.emit(this.orders.get(c.orderId)!.clientId, 'PAYMENT.CAPTURE.DENIED', 'capture', this.captureJson(c), 'Payment denied');
  }

  /** Sends a webhook again, byte for byte, with new transmission headers (PayPal's retry). */
  async redeliver(eventId: string): Promise<number | undefined> {
    const first = this.sent.find((s) => s.eventId === eventId);
    if (!first) throw new Error(`no event ${eventId}`);
    const again = this.signed(first.url, first.body, first.eventId, first.type);
    return this.deliver(again);
  }

  /** Builds a signed webhook for `clientId` (tests: out-of-order and forged variants start from it). */
  signedEvent(clientId: string, type: string, resourceType: string, resource: unknown): SentWebhook {
    const hook = this.apps.get(clientId)?.webhooks[0];
    if (!hook) throw new Error(`app ${clientId} has no webhook`);
    const eventId = id('WH-', 17);
    const body = JSON.stringify({
      id: eventId,
      event_version: '1.0',
      create_time: this.now().toISOString(),
      resource_type: resourceType,
      resource_version: '2.0',
      event_type: type,
      summary: type,
      resource,
      links: [],
    });
    return this.signed(hook.url, body, eventId, type, hook.id);
  }

  async deliver(w: SentWebhook): Promise<number | undefined> {
    try {
      const res = await fetch(w.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...w.headers },
        body: w.body,
        signal: AbortSignal.timeout(10_000),
      });
      w.status = res.status;
      return res.status;
    } catch {
      return undefined;
    }
  }

  private signed(url: string, body: string, eventId: string, type: string, webhookId?: string): SentWebhook {
    const hookId = webhookId ?? [...this.apps.values()].flatMap((a) => a.webhooks).find((h) => h.url === url)?.id ?? '';
    const transmissionId = randomUUID();
    const time = this.now().toISOString();
    const message = `${transmissionId}|${time}|${hookId}|${crc32(Buffer.from(body)) >>> 0}`;
    const sig = sign('sha256', Buffer.from(message), this.keys.privateKey).toString('base64');
    return {
      eventId,
      type,
      url,
      body,
      headers: {
        'paypal-transmission-id': transmissionId,
        'paypal-transmission-time': time,
        'paypal-transmission-sig': sig,
        'paypal-cert-url': `${this.url}/v1/notifications/certs/${this.certId}`,
        'paypal-auth-algo': 'SHA256withRSA',
      },
    };
  }

  private emit(clientId: string, type: string, resourceType: string, resource: unknown, summary: string): void {
    const app = this.apps.get(clientId);
    for (const hook of app?.webhooks ?? []) {
      const eventId = id('WH-', 17);
      const body = JSON.stringify({
        id: eventId,
        event_version: '1.0',
        create_time: this.now().toISOString(),
        resource_type: resourceType,
        resource_version: '2.0',
        event_type: type,
        summary,
        resource,
        links: [],
      });
      const w = this.signed(hook.url, body, eventId, type, hook.id);
      this.sent.push(w);
      if (this.dropWebhooks) continue;
      // Delivered after the API answer, like PayPal's asynchronous notifications.
      const p = new Promise<void>((resolve) => setImmediate(() => void this.deliver(w).finally(resolve)));
      this.inFlight.add(p);
      void p.finally(() => this.inFlight.delete(p));
    }
  }

  private orderJson(o: FakeOrder) {
    return {
      id: o.id,
      intent: 'CAPTURE',
      status: o.status,
      create_time: o.create_time,
      payment_source: { paypal: o.payerId ? { account_id: o.payerId, email_address: 'buyer@example.com' } : {} },
      purchase_units: [
        {
          ...o.purchaseUnit,
          ...(o.captures.length
            ? {
                payments: {
                  captures: o.captures.map((c) => this.captureJson(c, false)),
                  // PayPal lists the captures' refunds beside them, whoever made them.
                  ...(o.captures.some((c) => c.refunds.length)
                    ? { refunds: o.captures.flatMap((c) => c.refunds.map((r) => this.refundJson(r))) }
                    : {}),
                },
              }
            : {}),
        },
      ],
      links: [
        { href: `${this.url}/v2/checkout/orders/${o.id}`, rel: 'self', method: 'GET' },
        ...(o.status === 'PAYER_ACTION_REQUIRED'
          ? [{ href: `${this.url}/checkoutnow?token=${o.id}`, rel: 'payer-action', method: 'GET' }]
          : []),
        ...(o.status === 'APPROVED' ? [{ href: `${this.url}/v2/checkout/orders/${o.id}/capture`, rel: 'capture', method: 'POST' }] : []),
      ],
    };
  }

  private captureJson(c: FakeCapture, withOrder = true) {
    return {
      id: c.id,
      status: c.status,
      ...(c.status_details ? { status_details: c.status_details } : {}),
      amount: c.amount,
      final_capture: true,
      seller_protection: { status: 'ELIGIBLE' },
      invoice_id: c.invoice_id,
      custom_id: c.custom_id,
      create_time: c.create_time,
      update_time: c.update_time,
      ...(withOrder ? { supplementary_data: { related_ids: { order_id: c.orderId } } } : {}),
      links: [
        { href: `${this.url}/v2/payments/captures/${c.id}`, rel: 'self', method: 'GET' },
        { href: `${this.url}/v2/payments/captures/${c.id}/refund`, rel: 'refund', method: 'POST' },
        { href: `${this.url}/v2/checkout/orders/${c.orderId}`, rel: 'up', method: 'GET' },
      ],
    };
  }

  private refundJson(r: FakeRefund) {
    return {
      id: r.id,
      status: r.status,
      amount: r.amount,
      note_to_payer: r.note_to_payer,
      ...(r.custom_id ? { custom_id: r.custom_id } : {}),
      create_time: r.create_time,
      links: [
        { href: `${this.url}/v2/payments/refunds/${r.id}`, rel: 'self', method: 'GET' },
        { href: `${this.url}/v2/payments/captures/${r.captureId}`, rel: 'up', method: 'GET' },
      ],
    };
  }

  private routes(app: express.Express): void {
    const error = (res: Response, status: number, name: string, issue: string, description: string) =>
      res.status(status).json({
        name,
        message:
          name === 'UNPROCESSABLE_ENTITY'
            ? 'The requested action could not be performed, semantically incorrect, or failed business validation.'
            : description,
        debug_id: id('', 13).toLowerCase(),
        details: [{ issue, description }],
        links: [],
      });
    const auth = (req: Request, res: Response): string | null => {
      const m = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
      const clientId = m ? this.tokens.get(m[1]!) : undefined;
      if (!clientId) {
        res.status(401).json({ error: 'invalid_token', error_description: 'Token signature verification failed' });
        return null;
      }
      return clientId;
    };
    const mockCode = (req: Request): string | undefined => {
      try {
        return (JSON.parse(req.get('paypal-mock-response') ?? '{}') as { mock_application_codes?: string }).mock_application_codes;
      } catch {
        return undefined;
      }
    };
    /** Answers a repeated PayPal-Request-Id with the first answer. */
    const once = (
      req: Request,
      res: Response,
      clientId: string,
      work: () => { status: number; body: unknown },
      delayMs = 0,
      held?: Promise<void>,
    ) => {
      const key = req.get('paypal-request-id') ? `${clientId}|${req.path}|${req.get('paypal-request-id')}` : undefined;
      const first = key ? this.idempotent.get(key) : undefined;
      const send = (a: { status: number; body: unknown }) => {
        if (!res.headersSent && !res.destroyed) res.status(a.status).json(a.body);
      };
      // A held answer (holdRefundAnswers) waits for its release, a replay's too.
      if (first) return held ? void held.then(() => send(first)) : send(first);
      const answer = work();
      if (key && answer.status < 300) this.idempotent.set(key, answer);
      if (held) return void held.then(() => send(answer));
      if (delayMs) return void setTimeout(() => send(answer), delayMs);
      return send(answer);
    };

    app.post('/v1/oauth2/token', (req, res) => {
      const basic = /^Basic (.+)$/.exec(req.get('authorization') ?? '');
      const [clientId, secret] = basic ? Buffer.from(basic[1]!, 'base64').toString().split(':') : [];
      const known = clientId ? this.apps.get(clientId) : undefined;
      if (!known || known.secret !== secret)
        return res.status(401).json({ error: 'invalid_client', error_description: 'Client Authentication failed' });
      if (req.body?.grant_type !== 'client_credentials')
        return res.status(400).json({ error: 'unsupported_grant_type', error_description: 'Grant Type is NULL' });
      const token = `A21AA${randomBytes(24).toString('base64url')}`;
      this.tokens.set(token, clientId!);
      return res.json({
        scope: 'https://uri.paypal.com/services/payments/payment',
        access_token: token,
        token_type: 'Bearer',
        app_id: `APP-${clientId!.slice(0, 8)}`,
        expires_in: 32400,
        nonce: randomUUID(),
      });
    });

    // A held create (holdNextCreateAnswer) waits here, received (in `requests`) but not yet carried out.
    app.post('/v2/checkout/orders', (req, _res, next) => {
      const held = this.createHold.waitFor(req.get('paypal-request-id') ?? '');
      if (held) void held.then(() => next());
      else next();
    });
    app.post('/v2/checkout/orders', (req, res) => {
      const clientId = auth(req, res);
      if (!clientId) return;
      once(req, res, clientId, () => {
        const b = req.body ?? {};
        const unit = b.purchase_units?.[0];
        const ctx = b.payment_source?.paypal?.experience_context;
        const refusal = this.createRefusal;
        this.createRefusal = undefined;
        if (refusal)
          return {
            status: 422,
            body: {
              name: 'UNPROCESSABLE_ENTITY',
              message: 'The requested action could not be performed, semantically incorrect, or failed business validation.',
              details: [{ issue: refusal, description: 'Refused by a test control.' }],
            },
          };
        if (b.intent !== 'CAPTURE' && b.intent !== 'AUTHORIZE')
          return { status: 400, body: { name: 'INVALID_REQUEST', details: [{ issue: 'INVALID_PARAMETER_VALUE', field: '/intent' }] } };
        if (!unit?.amount?.currency_code || !/^\d+(\.\d{2})?$/.test(String(unit.amount.value ?? '')))
          return {
            status: 400,
            body: {
              name: 'INVALID_REQUEST',
              details: [{ issue: 'MISSING_REQUIRED_PARAMETER', field: "/purchase_units/@reference_id=='default'/amount" }],
            },
          };
        const decimals = amountIssue(unit.amount);
        if (decimals)
          return {
            status: 422,
            body: {
              name: 'UNPROCESSABLE_ENTITY',
              message: 'The requested action could not be performed, semantically incorrect, or failed business validation.',
              details: [
                {
                  field: "/purchase_units/@reference_id=='default'/amount/value",
                  value: String(unit.amount.value),
                  issue: decimals,
                  description: AMOUNT_ISSUES[decimals],
                },
              ],
            },
          };
        if (!ctx?.return_url || !ctx?.cancel_url)
          return { status: 422, body: { name: 'UNPROCESSABLE_ENTITY', details: [{ issue: 'MISSING_RETURN_URL' }] } };
        if (
          unit.invoice_id !== undefined &&
          this.apps.get(clientId)?.blockDuplicateInvoiceId &&
          [...this.orders.values()].some((o) => o.clientId === clientId && o.purchaseUnit.invoice_id === unit.invoice_id)
        )
          return {
            status: 422,
            body: {
              name: 'UNPROCESSABLE_ENTITY',
              message: 'The requested action could not be performed, semantically incorrect, or failed business validation.',
              debug_id: id('', 13).toLowerCase(),
              details: [
                {
                  field: "/purchase_units/@reference_id=='default'/invoice_id",
                  location: 'body',
                  issue: 'DUPLICATE_INVOICE_ID',
                  description:
                    'Duplicate Invoice ID detected. To avoid a potential duplicate transaction your account setting requires that Invoice Id be unique for each transaction.',
                },
              ],
              links: [
                {
                  href: 'https://developer.paypal.com/docs/api/orders/v2/#error-DUPLICATE_INVOICE_ID',
                  rel: 'information_link',
                  method: 'GET',
                },
              ],
            },
          };
        const order: FakeOrder = {
          id: id('', 17),
          clientId,
          status: 'PAYER_ACTION_REQUIRED',
          purchaseUnit: {
            reference_id: unit.reference_id ?? 'default',
            invoice_id: unit.invoice_id,
            custom_id: unit.custom_id,
            description: unit.description,
            amount: { currency_code: unit.amount.currency_code, value: unit.amount.value },
          },
          returnUrl: ctx.return_url,
          cancelUrl: ctx.cancel_url,
          captures: [],
          create_time: this.now().toISOString(),
        };
        this.orders.set(order.id, order);
        return {
          status: 200,
          body: { id: order.id, status: order.status, payment_source: { paypal: {} }, links: this.orderJson(order).links },
        };
      });
    });

    app.get('/v2/checkout/orders/:id', (req, res) => {
      const clientId = auth(req, res);
      if (!clientId) return;
      const order = this.orders.get(req.params.id);
      if (!order || order.clientId !== clientId)
        return error(
          res,
          404,
          'RESOURCE_NOT_FOUND',
          'INVALID_RESOURCE_ID',
          'Specified resource ID does not exist. Please check the resource ID and try again.',
        );
      return res.json(this.orderJson(order));
    });

    app.post('/v2/checkout/orders/:id/capture', (req, res) => {
      const clientId = auth(req, res);
      if (!clientId) return;
      const order = this.orders.get(req.params.id);
      if (!order || order.clientId !== clientId)
        return error(res, 404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID', 'Specified resource ID does not exist.');
      const key = req.get('paypal-request-id') ? `${clientId}|${req.path}|${req.get('paypal-request-id')}` : undefined;
      const first = key ? this.idempotent.get(key) : undefined;
      if (first) return res.status(first.status).json(first.body);
      if (order.status === 'COMPLETED')
        return error(
          res,
          422,
          'UNPROCESSABLE_ENTITY',
          'ORDER_ALREADY_CAPTURED',
          "Order already captured. If 'intent=CAPTURE' only one capture per order is allowed.",
        );
      if (order.status !== 'APPROVED')
        return error(res, 422, 'UNPROCESSABLE_ENTITY', 'ORDER_NOT_APPROVED', 'Payer has not yet approved the Order for payment.');
      // The account's "block multiple payments per invoice ID": an invoice_id already captured on this account (by
      // another order, or outside the Orders API: paidOutside) is refused at capture too, and nothing is taken
      // (Payments v2 error DUPLICATE_INVOICE_ID: "Requested invoice number has been previously captured").
      const invoiceId = order.purchaseUnit.invoice_id;
      const app = this.apps.get(clientId);
      if (
        invoiceId !== undefined &&
        app?.blockDuplicateInvoiceId &&
        (app.paidOutside?.has(invoiceId) ||
          [...this.captures.values()].some((c) => c.invoice_id === invoiceId && this.orders.get(c.orderId)?.clientId === clientId))
      )
        return res.status(422).json({
          name: 'UNPROCESSABLE_ENTITY',
          message: 'The requested action could not be performed, semantically incorrect, or failed business validation.',
          debug_id: id('', 13).toLowerCase(),
          details: [
            {
              issue: 'DUPLICATE_INVOICE_ID',
              description: 'Requested invoice number has been previously captured. Possible duplicate transaction.',
            },
          ],
          links: [
            { href: 'https://developer.paypal.com/docs/api/orders/v2/#error-DUPLICATE_INVOICE_ID', rel: 'information_link', method: 'GET' },
          ],
        });
      const mock = mockCode(req);
      if (mock) {
        // INSTRUMENT_DECLINED: the buyer must approve again with another funding source.
        if (mock === 'INSTRUMENT_DECLINED') order.status = 'PAYER_ACTION_REQUIRED';
        return error(res, 422, 'UNPROCESSABLE_ENTITY', mock, 'Mocked by PayPal-Mock-Response.');
      }
      const body = this.captureOrder(order);
      if (key) this.idempotent.set(key, { status: 201, body });
      return res.status(201).json(body);
    });

    app.get('/v2/payments/captures/:id', (req, res) => {
      const clientId = auth(req, res);
      if (!clientId) return;
      const c = this.captures.get(req.params.id);
      if (!c || this.orders.get(c.orderId)?.clientId !== clientId)
        return error(res, 404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID', 'Specified resource ID does not exist.');
      return res.json(this.captureJson(c));
    });

    app.post('/v2/payments/captures/:id/refund', (req, res) => {
      const clientId = auth(req, res);
      if (!clientId) return;
      const c = this.captures.get(req.params.id);
      if (!c || this.orders.get(c.orderId)?.clientId !== clientId)
        return error(res, 404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID', 'Specified resource ID does not exist.');
      const failure = this.refundFailure;
      if (!this.refundFailureStays) this.refundFailure = undefined;
      const held = this.refundHold.waitFor(req.get('paypal-request-id') ?? '');
      if (failure === '5xx')
        return res.status(503).json({ name: 'INTERNAL_SERVER_ERROR', message: 'An internal server error occurred.', debug_id: 'fake503' });
      if (failure === 'reject')
        return error(
          res,
          422,
          'UNPROCESSABLE_ENTITY',
          'REFUND_NOT_ALLOWED',
          'Full refund refused - partial refund has already been done on this payment.',
        );
      once(
        req,
        res,
        clientId,
        () => {
          const issue = (code: string, description: string) => ({
            status: 422,
            body: {
              name: 'UNPROCESSABLE_ENTITY',
              message: 'The requested action could not be performed, semantically incorrect, or failed business validation.',
              details: [{ issue: code, description }],
            },
          });
          const mock = mockCode(req);
          if (mock) return issue(mock, 'Mocked by PayPal-Mock-Response.');
          if (c.status === 'PENDING') return issue('PENDING_CAPTURE', 'Cannot initiate a refund as the capture is pending.');
          const refunded = c.refunds.reduce((s, r) => s + cents(r.amount), 0);
          const left = cents(c.amount) - refunded;
          if (left <= 0) return issue('CAPTURE_FULLY_REFUNDED', 'The capture has already been fully refunded');
          const asked = req.body?.amount;
          if (asked && asked.currency_code !== c.amount.currency_code)
            return issue('REFUND_CAPTURE_CURRENCY_MISMATCH', 'Refund must be in the same currency as the capture');
          const decimals = asked ? amountIssue(asked) : null;
          if (decimals) return issue(decimals, AMOUNT_ISSUES[decimals]);
          const amount = asked ? cents(asked) : left;
          if (amount <= 0) return issue('CANNOT_BE_ZERO_OR_NEGATIVE', 'Must be greater than zero.');
          if (amount > left)
            return issue(
              'REFUND_AMOUNT_EXCEEDED',
              'The refund amount must be less than or equal to the capture amount that has not yet been refunded.',
            );
          const r: FakeRefund = {
            id: id('', 17),
            status: 'COMPLETED',
            amount: { currency_code: c.amount.currency_code, value: value(amount, c.amount.currency_code) },
            captureId: c.id,
            note_to_payer: req.body?.note_to_payer,
            custom_id: req.body?.custom_id,
            create_time: this.now().toISOString(),
          };
          c.refunds.push(r);
          c.status = amount === left ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
          this.refunds.set(r.id, r);
          this.emit(clientId, 'PAYMENT.CAPTURE.REFUNDED', 'refund', this.refundJson(r), 'A capture payment was refunded');
          return { status: 201, body: this.refundJson(r) };
        },
        failure === 'timeout' ? this.holdMs : 0,
        held,
      );
    });

    app.get('/v2/payments/refunds/:id', (req, res) => {
      const clientId = auth(req, res);
      if (!clientId) return;
      const r = this.refunds.get(req.params.id);
      if (!r) return error(res, 404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID', 'Specified resource ID does not exist.');
      return res.json(this.refundJson(r));
    });

    app.post('/v1/notifications/webhooks', (req, res) => {
      const clientId = auth(req, res);
      if (!clientId) return;
      const url = req.body?.url;
      if (typeof url !== 'string' || !/^https?:\/\//.test(url))
        return error(res, 400, 'INVALID_REQUEST', 'INVALID_PARAMETER_SYNTAX', 'url is invalid');
      const hookId = this.registerWebhook(clientId, url);
      return res.status(201).json({ id: hookId, url, event_types: req.body?.event_types ?? [{ name: '*' }], links: [] });
    });

    app.get('/v1/notifications/webhooks', (req, res) => {
      const clientId = auth(req, res);
      if (!clientId) return;
      return res.json({ webhooks: this.apps.get(clientId)?.webhooks ?? [] });
    });

    app.get('/v1/notifications/certs/:certId', (req, res) => {
      if (req.params.certId !== this.certId) return res.status(404).type('text').send('Not found');
      return res.type('application/x-pem-file').send(this.certPem);
    });

    // The buyer's side: a page the browser (or a test) clicks through, then back to return_url / cancel_url.
    app.get('/checkoutnow', (req, res) => {
      const order = this.orders.get(String(req.query.token ?? ''));
      if (!order) return res.status(404).type('html').send('<!doctype html><title>PayPal</title><p>This checkout session has expired.</p>');
      const amount = `${order.purchaseUnit.amount.value} ${order.purchaseUnit.amount.currency_code}`;
      return res.type('html')
        .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Pay with PayPal (fake sandbox)</title>
<style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}button,a{display:block;width:100%;padding:.9rem;margin:.5rem 0;font-size:1rem;border-radius:24px;text-align:center;box-sizing:border-box}button{background:#ffc439;border:0;font-weight:700}a{border:1px solid #999;color:#333;text-decoration:none}</style></head>
<body><h1>PayPal (fake sandbox)</h1><p>${escapeHtml(order.purchaseUnit.description ?? 'Order')}</p><p id="amount">Total <strong>${escapeHtml(amount)}</strong></p>
<form method="post" action="/checkoutnow/approve"><input type="hidden" name="token" value="${escapeHtml(order.id)}"><button type="submit" name="funding" value="balance" id="pay">Pay Now</button>
<button type="submit" name="funding" value="echeck" id="pay-echeck">Pay by eCheck (clears later)</button></form>
<a id="cancel" href="${escapeHtml(order.cancelUrl)}">Cancel and return to the shop</a></body></html>`);
    });

    // The developer dashboard (developer.paypal.com -> Apps & Credentials -> the app -> Add Webhook): the apps,
    // the webhook URLs each has, and a form that adds one and shows its Webhook ID.
    app.get('/developer', (req, res) => {
      const added = typeof req.query.added === 'string' ? req.query.added : '';
      const apps = [...this.apps.values()]
        .map(
          (a) => `<section><h2>App <code>${escapeHtml(a.clientId)}</code></h2>
<table><thead><tr><th>Webhook ID</th><th>Webhook URL</th></tr></thead><tbody>${
            a.webhooks.map((h) => `<tr><td><code>${escapeHtml(h.id)}</code></td><td>${escapeHtml(h.url)}</td></tr>`).join('') ||
            '<tr><td colspan="2">No webhooks yet.</td></tr>'
          }</tbody></table>
<form method="post" action="/developer/webhooks"><input type="hidden" name="clientId" value="${escapeHtml(a.clientId)}">
<label>Webhook URL <input type="url" name="url" required placeholder="http://127.0.0.1:3000/webhooks/paypal/pcn_..."></label>
<button type="submit">Add Webhook</button></form></section>`,
        )
        .join('');
      return res.type('html')
        .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>PayPal Developer (fake sandbox)</title>
<style>body{font:16px system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4rem;text-align:left;word-break:break-all}input[type=url]{display:block;width:100%;font-size:1rem;padding:.6rem;margin:.5rem 0;box-sizing:border-box}button{min-height:44px;font-size:1rem;padding:0 1rem}</style></head>
<body><h1>PayPal Developer (fake sandbox)</h1>${
        added
          ? `<p id="added">Webhook added. Its Webhook ID is <strong id="webhook-id">${escapeHtml(added)}</strong>: paste it into the PayPal card's Webhook ID in Settings -&gt; Payments, save, and Test connection.</p>`
          : ''
      }<p>Every event of an app is sent to each of its webhook URLs.</p>${apps}</body></html>`);
    });

    app.post('/developer/webhooks', (req, res) => {
      const clientId = String(req.body?.clientId ?? '');
      const url = String(req.body?.url ?? '').trim();
      if (!this.apps.has(clientId)) return res.status(404).type('text').send('Unknown app');
      if (!/^https?:\/\/[^\s]+$/.test(url))
        return res.status(400).type('text').send('Enter the Webhook URL your shop shows (http:// or https://).');
      return res.redirect(303, `/developer?added=${encodeURIComponent(this.addWebhookFromDashboard(clientId, url))}`);
    });

    app.post('/checkoutnow/approve', (req, res) => {
      const token = String(req.body?.token ?? '');
      if (!this.orders.has(token)) return res.status(404).type('text').send('Unknown checkout');
      return res.redirect(302, this.approve(token, req.body?.funding === 'echeck' ? 'echeck' : 'balance'));
    });
  }
}

/** The REST app the development server's fake knows, and the demo shop connects with (nothing real). */
export const DEV_PAYPAL_APP = {
  clientId: 'ledgerline-dev-paypal-client',
  clientSecret: 'ledgerline-dev-paypal-secret',
  webhookId: 'WH-LEDGERLINEDEV0001',
} as const;

/** Starts the fake for `npm start` in development, with the development app. */
export async function startDevPayPal(): Promise<FakePayPal> {
  const fake = await new FakePayPal().start();
  fake.addApp(DEV_PAYPAL_APP.clientId, DEV_PAYPAL_APP.clientSecret);
  return fake;
}
