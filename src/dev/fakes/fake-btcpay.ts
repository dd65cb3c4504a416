// A local stand-in for a shop's BTCPay Server, speaking the Greenfield API v1 as its swagger documents it:
// GET /api/v1/stores/{storeId}; POST/GET /api/v1/stores/{storeId}/invoices[/{id}]; GET .../payment-methods;
// POST .../invoices/{id}/status (mark Invalid/Settled, BTCPay's rules); POST .../invoices/{id}/refund (a pull
// payment, BTCPay's refund variants); GET /api/v1/stores/{storeId}/pull-payments; GET /api/v1/pull-payments/{id};
// GET /api/v1/stores/{storeId}/payouts/{id}; GET /api/v1/api-keys/current. A claim on a pull payment is a payout (AwaitingApproval unless the
// pull payment auto-approves, then AwaitingPayment -> InProgress -> Completed, or Cancelled), moved by the test
// controls approvePayout / payPayout / cancelPayout, each announced by PayoutCreated / PayoutApproved / PayoutUpdated.
// Authorization: token <apiKey> (401 {code: "unauthenticated"}, 403 {code: "missing-permission", missingPermission}).
// Each API key has BTCPay's permissions (`policy` for all its user's stores, `policy:storeId` for one, or
// `unrestricted`; settable with setApiKeyPermissions, by default "Manage selected stores" for the stores listing
// it), and each route asks for the policy its Greenfield controller names, with BTCPay's "includes" tree
// (PolicyDefinitions in BTCPayServerServices.cs). Errors are {code, message} or, for 422, [{path, message}].
// Browser pages: the invoice checkout at /i/{id} (pay in full, or partly, then back to redirectURL) and a pull
// payment's claim page at /pull-payments/{id}. Webhooks go to each store's registered URLs with
// `BTCPay-Sig: sha256=<hex HMAC-SHA256(secret, body)>`, signed here with node:crypto, not our verifier's code;
// a store's webhooks are made through Greenfield or its Settings -> Webhooks pages (fake-btcpay-webhooks.ts),
// and each gets the events its authorizedEvents ask for.
// Invoices expire by an injectable clock; partial, late and over-payments follow BTCPay's statuses.
import { createHmac } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import {
  AnswerHold,
  escapeHtml,
  FakeHttpServer,
  parseJson,
  randomId,
  redirect,
  sendHtml,
  sendJson,
  WebhookOutbox,
  type FakeRequest,
} from './fake-http.js';

import { handleWebhookPages, handleWebhooksApi, restoreWebhook, webhookWants, type FakeBtcPayWebhook } from './fake-btcpay-webhooks.js';

export type { FakeBtcPayWebhook } from './fake-btcpay-webhooks.js';

export interface FakeBtcPayStore {
  id: string;
  name: string;
  apiKeys: string[];
  defaultCurrency?: string;
  webhooks: FakeBtcPayWebhook[];
}

export interface FakeBtcPayOptions {
  stores?: FakeBtcPayStore[];
  /** Every payment confirms at once (a full one: Processing -> Settled); off: call confirm(invoiceId). Default true. */
  autoConfirm?: boolean;
  /** Milliseconds since the epoch; invoices expire against it (default Date.now). */
  now?: () => number;
  /** Fiat per BTC for the payment-methods endpoint and crypto refunds (default 100000). */
  btcRate?: number;
  /** Permissions per API key (GET /api/v1/api-keys/current), instead of "Manage selected stores" for its stores. */
  apiKeyPermissions?: Record<string, string[]>;
  /** Answer invoices as BTCPay before 2.1.2 does: without `paidAmount` (added in btcpayserver PR #6747). Default true. */
  paidAmountInInvoice?: boolean;
}

type Status = 'New' | 'Processing' | 'Expired' | 'Invalid' | 'Settled';
type Additional = 'None' | 'PaidLate' | 'PaidPartial' | 'Marked' | 'Invalid' | 'PaidOver';

export interface FakeBtcPayInvoice {
  id: string;
  storeId: string;
  /** In the currency's smallest unit by BTCPay's divisibility (cents; whole yen). */
  amountCents: number;
  currency: string;
  metadata: Record<string, unknown>;
  checkout: { redirectURL: string | null; redirectAutomatically: boolean; expirationMinutes: number };
  createdTime: number;
  expirationTime: number;
  status: Status;
  additionalStatus: Additional;
  payments: { id: string; receivedDate: number; cents: number; status: 'Processing' | 'Settled' }[];
}

export interface FakePullPayment {
  id: string;
  storeId: string;
  invoiceId: string;
  name: string;
  description: string;
  currency: string;
  amount: string;
  autoApproveClaims: boolean;
  payouts: FakePayout[];
}

/** A claim on a pull payment (Greenfield PayoutData, the fields we model). */
export interface FakePayout {
  id: string;
  pullPaymentId: string;
  destination: string;
  state: 'AwaitingApproval' | 'AwaitingPayment' | 'InProgress' | 'Completed' | 'Cancelled';
  date: number;
  revision: number;
}

const unauthenticated = { code: 'unauthenticated', message: 'Authentication is required for accessing this endpoint' };

export class FakeBtcPay {
  readonly stores: FakeBtcPayStore[];
  readonly invoices = new Map<string, FakeBtcPayInvoice>();
  readonly pullPayments = new Map<string, FakePullPayment>();
  readonly outbox = new WebhookOutbox();
  readonly calls: { method: string; path: string; body: unknown; authorization: string | undefined }[] = [];
  autoConfirm: boolean;
  now: () => number;
  btcRate: number;
  paidAmountInInvoice: boolean;
  private readonly http = new FakeHttpServer((req, res) => this.handle(req, res));
  private readonly sent = new Map<string, { webhook: FakeBtcPayWebhook; payload: Record<string, unknown> }>();
  private failures: { path: RegExp; status: number; times: number; answerAfter?: Promise<unknown> }[] = [];
  private readonly keyPermissions = new Map<string, string[]>();
  private readonly invoiceHold = new AnswerHold();
  private readonly holds: { path: RegExp; released: Promise<void> }[] = [];

  constructor(opts: FakeBtcPayOptions = {}) {
    this.stores = opts.stores ?? [{ id: 'FakeStore1', name: 'Demo Shop', apiKeys: ['fake-btcpay-api-key'], webhooks: [] }];
    this.autoConfirm = opts.autoConfirm ?? true;
    this.now = opts.now ?? Date.now;
    this.btcRate = opts.btcRate ?? 100_000;
    this.paidAmountInInvoice = opts.paidAmountInInvoice ?? true;
    for (const [key, permissions] of Object.entries(opts.apiKeyPermissions ?? {})) this.setApiKeyPermissions(key, permissions);
  }

  /** The key's permissions as BTCPay stores them (the user picked them when creating the key). */
  setApiKeyPermissions(apiKey: string, permissions: string[]): void {
    this.keyPermissions.set(apiKey, [...permissions]);
  }

  /** What GET /api/v1/api-keys/current lists: the set ones, else "Manage selected stores" for each store listing the key. */
  permissionsOf(apiKey: string): string[] {
    return (
      this.keyPermissions.get(apiKey) ??
      this.stores.filter((s) => s.apiKeys.includes(apiKey)).map((s) => `btcpay.store.canmodifystoresettings:${s.id}`)
    );
  }

  /** Whether the fake has the store (a connection's Store ID): its webhooks can be given back at start. */
  hasStore(storeId: string): boolean {
    return this.stores.some((s) => s.id === storeId);
  }

  /** A store's webhook a connection saved, given back after a restart (fake-btcpay-webhooks.ts restoreWebhook). */
  restoreWebhook(storeId: string, url: string, secret: string): boolean {
    const store = this.stores.find((s) => s.id === storeId);
    return store ? restoreWebhook(store, url, secret) : false;
  }

  /** BTCPay's check: a permission of the key includes the policy for the store, and the key's user is in the store. */
  private allowed(apiKey: string, policy: string, store: FakeBtcPayStore | undefined): boolean {
    if (!store || !store.apiKeys.includes(apiKey)) return false;
    return this.permissionsOf(apiKey).some((raw) => {
      const at = raw.indexOf(':');
      const held = (at === -1 ? raw : raw.slice(0, at)).toLowerCase();
      const scope = at === -1 ? null : raw.slice(at + 1);
      return scope !== '' && (scope === null || scope === store.id) && policyIncludes(held, policy);
    });
  }

  get url(): string {
    return this.http.url;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    await this.http.start(port, host);
    return this;
  }

  async stop(): Promise<void> {
    await this.outbox.idle();
    await this.http.stop();
  }

  idle(): Promise<void> {
    return this.outbox.idle();
  }

  /**
   * The next `times` API calls whose path matches answer `status` (Infinity: until the returned function is called);
   * with `answerAfter`, each answer waits for it (a slow server that fails in the end).
   */
  fail(path: RegExp, status: number, times = 1, opts: { answerAfter?: Promise<unknown> } = {}): () => void {
    const failure = { path, status, times, answerAfter: opts.answerAfter };
    this.failures.push(failure);
    return () => {
      failure.times = 0;
    };
  }

  /**
   * API calls whose path matches wait, and are then answered as usual, until the returned function is called (a slow
   * server that answers in the end).
   */
  hold(path: RegExp): () => void {
    let release!: () => void;
    const hold = { path, released: new Promise<void>((resolve) => (release = resolve)) };
    this.holds.push(hold);
    return () => {
      const at = this.holds.indexOf(hold);
      if (at >= 0) this.holds.splice(at, 1);
      release();
    };
  }

  /**
   * Holds the answer to the next invoice create (a slow server): the invoice exists at once, and is answered only once
   * the returned function is called.
   */
  holdNextInvoiceAnswer(): () => void {
    return this.invoiceHold.holdNext();
  }

  /** The buyer pays `cents` (default: what is still due) to the invoice, as a wallet would. */
  async pay(invoiceId: string, cents?: number): Promise<FakeBtcPayInvoice> {
    const inv = this.mustInvoice(invoiceId);
    this.sweep(inv);
    const due = inv.amountCents - paidCents(inv);
    const amount = cents ?? Math.max(due, 0);
    const afterExpiration = inv.status === 'Expired';
    inv.payments.push({ id: `${randomId(64).toLowerCase()}-0`, receivedDate: this.seconds(), cents: amount, status: 'Processing' });
    const paid = paidCents(inv);
    const full = paid >= inv.amountCents;
    const overPaid = paid > inv.amountCents;
    const payment = this.paymentJson(inv, inv.payments.at(-1)!);
    const received = { afterExpiration, paymentMethodId: 'BTC-CHAIN', payment };
    if (inv.status === 'New') {
      if (full) {
        inv.status = 'Processing';
        inv.additionalStatus = overPaid ? 'PaidOver' : 'None';
        this.emit(inv, 'InvoiceReceivedPayment', received);
        this.emit(inv, 'InvoiceProcessing', { overPaid });
        if (this.autoConfirm) this.confirm(inv.id);
      } else {
        inv.additionalStatus = 'PaidPartial';
        this.emit(inv, 'InvoiceReceivedPayment', received);
        if (this.autoConfirm) this.confirm(inv.id);
      }
    } else if (inv.status === 'Expired') {
      // BTCPay never moves an expired invoice on (InvoiceWatcher.cs): paid in full it stays Expired/PaidLate.
      const late = full && inv.additionalStatus !== 'PaidLate';
      inv.additionalStatus = full ? 'PaidLate' : 'PaidPartial';
      this.emit(inv, 'InvoiceReceivedPayment', received);
      if (late) this.emit(inv, 'InvoicePaidAfterExpiration', {});
      if (this.autoConfirm) this.confirm(inv.id);
    } else {
      // Processing, Settled or Invalid: the money still arrives at the store's wallet; BTCPay records it.
      if (inv.status !== 'Invalid' && overPaid) inv.additionalStatus = 'PaidOver';
      this.emit(inv, 'InvoiceReceivedPayment', received);
      if (this.autoConfirm) this.confirm(inv.id);
    }
    return inv;
  }

  /**
   * The payments get their confirmations (whatever the invoice's status) and a Processing invoice paid in full
   * becomes Settled. An Expired or Invalid invoice keeps its status: BTCPay only settles Processing ones.
   */
  confirm(invoiceId: string): FakeBtcPayInvoice {
    const inv = this.mustInvoice(invoiceId);
    for (const p of inv.payments) {
      if (p.status === 'Processing') {
        p.status = 'Settled';
        this.emit(inv, 'InvoicePaymentSettled', {
          afterExpiration: inv.status === 'Expired',
          paymentMethodId: 'BTC-CHAIN',
          payment: this.paymentJson(inv, p),
        });
      }
    }
    const full = paidCents(inv) >= inv.amountCents;
    if (full && inv.status === 'Processing') {
      inv.status = 'Settled';
      this.emit(inv, 'InvoiceSettled', { manuallyMarked: false, overPaid: inv.additionalStatus === 'PaidOver' });
    }
    return inv;
  }

  /**
   * The monitoring window ends with the payments of a Processing invoice still unconfirmed: BTCPay marks it
   * Invalid (FailedToConfirm, InvoiceWatcher.cs) and sends InvoiceInvalid with manuallyMarked false. The
   * payments stay as they were (Processing), so its paidAmount still counts them.
   */
  failToConfirm(invoiceId: string): FakeBtcPayInvoice {
    const inv = this.mustInvoice(invoiceId);
    if (inv.status !== 'Processing') throw new Error(`invoice ${invoiceId} is ${inv.status}, not Processing`);
    inv.status = 'Invalid';
    this.emit(inv, 'InvoiceInvalid', { manuallyMarked: false });
    return inv;
  }

  /** Expires the invoice now (as its expiration time passing would). */
  expire(invoiceId: string): FakeBtcPayInvoice {
    const inv = this.mustInvoice(invoiceId);
    inv.expirationTime = Math.min(inv.expirationTime, this.seconds());
    this.sweep(inv);
    return inv;
  }

  /**
   * The merchant presses "Mark as settled" (or "Mark as invalid") on the invoice's page in the store's UI
   * (UIInvoiceController.ChangeInvoiceState): the same rules and webhook as the Greenfield call (POST
   * .../invoices/{id}/status), at any time, however long ago the invoice expired or was invalidated. Throws
   * when BTCPay would refuse it (the page offers no such button).
   */
  markByHand(invoiceId: string, status: 'Settled' | 'Invalid'): FakeBtcPayInvoice {
    const inv = this.mustInvoice(invoiceId);
    this.sweep(inv);
    if (!this.mark(inv, status)) throw new Error(`invoice ${invoiceId} is ${inv.status}: BTCPay does not let it be marked ${status}`);
    return inv;
  }

  /** Redelivers a webhook delivery the way BTCPay's "Redeliver" does: new deliveryId, originalDeliveryId kept. */
  async redeliver(deliveryId: string): Promise<string> {
    const first = this.sent.get(deliveryId);
    if (!first) throw new Error(`no delivery ${deliveryId}`);
    const newId = randomId(22);
    const payload = {
      ...first.payload,
      deliveryId: newId,
      originalDeliveryId: first.payload.originalDeliveryId ?? deliveryId,
      isRedelivery: true,
    };
    this.sent.set(newId, { webhook: first.webhook, payload });
    await this.deliver(first.webhook, payload);
    return newId;
  }

  // ---- HTTP ----

  private async handle(req: FakeRequest, res: ServerResponse): Promise<void> {
    let m: RegExpExecArray | null;
    if ((m = /^\/i\/([^/]+)$/.exec(req.path)) && req.method === 'GET') return this.checkoutPage(res, decodeURIComponent(m[1]!));
    if ((m = /^\/i\/([^/]+)\/pay$/.exec(req.path)) && req.method === 'POST') return this.checkoutPay(req, res, decodeURIComponent(m[1]!));
    if ((m = /^\/pull-payments\/([^/]+)$/.exec(req.path)) && req.method === 'GET') return this.claimPage(res, decodeURIComponent(m[1]!));
    if ((m = /^\/pull-payments\/([^/]+)\/claim$/.exec(req.path)) && req.method === 'POST')
      return this.claim(req, res, decodeURIComponent(m[1]!));
    if ((m = /^\/api\/v1\/pull-payments\/([^/]+)$/.exec(req.path)) && req.method === 'GET') {
      // Public in Greenfield: the customer's claim page reads it without a key.
      const pp = this.pullPayments.get(decodeURIComponent(m[1]!));
      return pp
        ? sendJson(res, 200, this.pullPaymentJson(pp))
        : sendJson(res, 404, { code: 'pullpayment-not-found', message: 'The pull payment was not found' });
    }
    if (handleWebhookPages(req, res, this.stores)) return;
    if (!req.path.startsWith('/api/v1/')) return sendJson(res, 404, { code: 'not-found', message: 'Not found' });

    const body = req.method === 'POST' ? parseJson(req.rawBody) : null;
    this.calls.push({ method: req.method, path: req.path, body, authorization: req.headers.authorization });
    const key = /^token (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const keyStores = this.stores.filter((s) => key && s.apiKeys.includes(key));
    if (!key || keyStores.length === 0) return sendJson(res, 401, unauthenticated);
    if (req.path === '/api/v1/api-keys/current' && req.method === 'GET')
      return sendJson(res, 200, { apiKey: key, label: 'Ledgerline', permissions: this.permissionsOf(key) });
    const failure = this.failures.find((f) => f.path.test(req.path) && f.times > 0);
    if (failure) {
      failure.times -= 1;
      if (failure.answerAfter) await failure.answerAfter;
      return sendJson(res, failure.status, { code: 'simulated', message: 'Simulated failure' });
    }
    const hold = this.holds.find((h) => h.path.test(req.path));
    if (hold) await hold.released;
    m = /^\/api\/v1\/stores\/([^/]+)(\/.*)?$/.exec(req.path);
    if (!m) return sendJson(res, 404, { code: 'not-found', message: 'Not found' });
    const storeId = decodeURIComponent(m[1]!);
    const rest = m[2] ?? '';
    const store = this.stores.find((s) => s.id === storeId);
    const policy = routePolicy(req.method, rest);
    if (!policy) return sendJson(res, 404, { code: 'not-found', message: 'Not found' });
    if (!this.allowed(key, policy, store) || !store) {
      return sendJson(res, 403, {
        code: 'missing-permission',
        message: `Insufficient API Permissions. Please use an API key with permission "${policy}". You can create an API key in your account's settings / Api Keys.`,
        missingPermission: policy,
      });
    }
    if (req.method === 'POST' && body === null)
      return sendJson(res, 400, { code: 'invalid-json', message: 'The request body is not valid JSON' });

    if (req.method === 'GET' && rest === '') return sendJson(res, 200, this.storeJson(store));
    if (rest.startsWith('/webhooks') && handleWebhooksApi(req.method, rest, res, store, body)) return;
    if (req.method === 'POST' && rest === '/invoices') return this.createInvoice(res, store, body!);
    const pm = /^\/payouts\/([^/]+)$/.exec(rest);
    if (req.method === 'GET' && pm) {
      const found = [...this.pullPayments.values()]
        .filter((p) => p.storeId === store.id)
        .flatMap((p) => p.payouts.map((payout) => ({ pp: p, payout })))
        .find((x) => x.payout.id === decodeURIComponent(pm[1]!));
      return found
        ? sendJson(res, 200, this.payoutJson(found.pp, found.payout))
        : sendJson(res, 404, { code: 'payout-not-found', message: 'The payout was not found' });
    }
    if (req.method === 'GET' && rest === '/pull-payments') {
      const list = [...this.pullPayments.values()].filter((p) => p.storeId === store.id).map((p) => this.pullPaymentJson(p));
      return sendJson(res, 200, list);
    }
    const im = /^\/invoices\/([^/]+)(\/.*)?$/.exec(rest);
    if (im) {
      const inv = this.invoices.get(decodeURIComponent(im[1]!));
      if (!inv || inv.storeId !== store.id) return sendJson(res, 404, { code: 'invoice-not-found', message: 'The invoice was not found' });
      this.sweep(inv);
      const sub = im[2] ?? '';
      if (req.method === 'GET' && sub === '') return sendJson(res, 200, this.invoiceJson(inv));
      if (req.method === 'GET' && sub === '/payment-methods') return sendJson(res, 200, [this.paymentMethodJson(inv)]);
      if (req.method === 'POST' && sub === '/status') return this.markStatus(res, inv, body!);
      if (req.method === 'POST' && sub === '/refund')
        return this.refund(res, inv, body!, this.allowed(key, 'btcpay.store.cancreatepullpayments', store));
    }
    return sendJson(res, 404, { code: 'not-found', message: 'Not found' });
  }

  private async createInvoice(res: ServerResponse, store: FakeBtcPayStore, body: Record<string, unknown>): Promise<void> {
    const currency = typeof body.currency === 'string' && body.currency ? body.currency.toUpperCase() : (store.defaultCurrency ?? 'USD');
    const amountCents =
      typeof body.amount === 'string' || typeof body.amount === 'number' ? decimalToUnits(String(body.amount), currency) : null;
    if (amountCents === null || amountCents <= 0)
      return sendJson(res, 422, [{ path: 'amount', message: 'The amount should be more than 0.' }]);
    const checkout = (body.checkout && typeof body.checkout === 'object' ? body.checkout : {}) as Record<string, unknown>;
    const expirationMinutes =
      typeof checkout.expirationMinutes === 'number' && checkout.expirationMinutes > 0 ? checkout.expirationMinutes : 15;
    const created = this.seconds();
    const inv: FakeBtcPayInvoice = {
      id: randomId(22),
      storeId: store.id,
      amountCents,
      currency,
      metadata: (body.metadata && typeof body.metadata === 'object' ? body.metadata : {}) as Record<string, unknown>,
      checkout: {
        redirectURL: typeof checkout.redirectURL === 'string' ? checkout.redirectURL : null,
        redirectAutomatically: checkout.redirectAutomatically === true,
        expirationMinutes,
      },
      createdTime: created,
      expirationTime: created + expirationMinutes * 60,
      status: 'New',
      additionalStatus: 'None',
      payments: [],
    };
    this.invoices.set(inv.id, inv);
    await this.invoiceHold.waitFor(inv.id);
    sendJson(res, 200, this.invoiceJson(inv));
    this.emit(inv, 'InvoiceCreated', {});
  }

  private markStatus(res: ServerResponse, inv: FakeBtcPayInvoice, body: Record<string, unknown>): void {
    const want = body.status;
    if ((want !== 'Invalid' && want !== 'Settled') || !this.mark(inv, want, () => sendJson(res, 200, this.invoiceJson(inv))))
      return sendJson(res, 422, [
        { path: 'Status', message: 'Status can only be marked to invalid or settled within certain conditions.' },
      ]);
  }

  /**
   * BTCPay's mark (InvoiceRepository.MarkInvoiceStatus): Invalid or Settled with additionalStatus Marked, then
   * InvoiceInvalid / InvoiceSettled with manuallyMarked true; `answer` runs between the two (the API's response
   * goes out before the webhook). False, and nothing changed, when BTCPay's rules refuse it.
   */
  private mark(inv: FakeBtcPayInvoice, want: 'Invalid' | 'Settled', answer?: () => void): boolean {
    if (!(want === 'Invalid' ? canMarkInvalid(inv) : canMarkComplete(inv))) return false;
    inv.status = want;
    inv.additionalStatus = 'Marked';
    answer?.();
    this.emit(
      inv,
      want === 'Invalid' ? 'InvoiceInvalid' : 'InvoiceSettled',
      want === 'Invalid' ? { manuallyMarked: true } : { manuallyMarked: true, overPaid: false },
    );
    return true;
  }

  /** `mayAutoApprove`: the key may create approved pull payments (BTCPay ANDs the variant's auto-approval with it). */
  private refund(res: ServerResponse, inv: FakeBtcPayInvoice, body: Record<string, unknown>, mayAutoApprove: boolean): void {
    if (!canRefund(inv)) return sendJson(res, 400, { code: 'non-refundable', message: 'Cannot refund this invoice' });
    const variant = body.refundVariant;
    if (variant === undefined || variant === null)
      return sendJson(res, 422, [{ path: 'RefundVariant', message: '`refundVariant` is mandatory' }]);
    const paid = inv.status === 'Settled' && inv.additionalStatus === 'Marked' && paidCents(inv) === 0 ? inv.amountCents : paidCents(inv);
    let currency: string;
    let amount: string;
    let autoApproveClaims: boolean;
    switch (variant) {
      case 'RateThen':
      case 'CurrentRate':
        currency = 'BTC';
        amount = (toMajor(paid, inv.currency) / this.btcRate).toFixed(8);
        autoApproveClaims = true;
        break;
      case 'Fiat':
        currency = inv.currency;
        amount = unitsToDecimal(paid, inv.currency);
        autoApproveClaims = false;
        break;
      case 'Custom': {
        const custom = typeof body.customAmount === 'string' || typeof body.customAmount === 'number' ? Number(body.customAmount) : NaN;
        const errors: { path: string; message: string }[] = [];
        if (!(custom > 0)) errors.push({ path: 'CustomAmount', message: 'Amount must be greater than 0' });
        if (typeof body.customCurrency !== 'string' || !/^[A-Z]{3}$/.test(body.customCurrency))
          errors.push({ path: 'CustomCurrency', message: 'Invalid currency' });
        if (errors.length) return sendJson(res, 422, errors);
        currency = body.customCurrency as string;
        amount = String(body.customAmount);
        autoApproveClaims = currency === 'BTC';
        break;
      }
      default:
        return sendJson(res, 422, [{ path: 'RefundVariant', message: 'Please select a valid refund option' }]);
    }
    autoApproveClaims = autoApproveClaims && mayAutoApprove;
    const pp: FakePullPayment = {
      id: randomId(22),
      storeId: inv.storeId,
      invoiceId: inv.id,
      name: typeof body.name === 'string' && body.name ? body.name : `Refund ${inv.id}`,
      description: typeof body.description === 'string' ? body.description : '',
      currency,
      amount,
      autoApproveClaims,
      payouts: [],
    };
    this.pullPayments.set(pp.id, pp);
    sendJson(res, 200, this.pullPaymentJson(pp));
  }

  // ---- browser pages ----

  private checkoutPage(res: ServerResponse, id: string): void {
    const inv = this.invoices.get(id);
    if (!inv) return sendHtml(res, 404, page('Invoice not found', '<p>This invoice does not exist.</p>'));
    this.sweep(inv);
    const store = this.stores.find((s) => s.id === inv.storeId);
    const due = Math.max(inv.amountCents - paidCents(inv), 0);
    const back = this.redirectUrl(inv);
    const backLink = back
      ? `<p><a id="return-to-store" href="${escapeHtml(back)}">Return to ${escapeHtml(store?.name ?? 'store')}</a></p>`
      : '';
    let content: string;
    if (inv.status === 'New') {
      const half = Math.max(Math.floor(due / 2), 1);
      content = `
        <p class="amount" data-testid="amount-due">${unitsToDecimal(due, inv.currency)} ${escapeHtml(inv.currency)}</p>
        <p class="muted">${(toMajor(due, inv.currency) / this.btcRate).toFixed(8)} BTC to bcrt1qfakeaddress${escapeHtml(inv.id.slice(0, 8).toLowerCase())}</p>
        ${inv.additionalStatus === 'PaidPartial' ? `<p data-testid="partial">Partially paid: ${unitsToDecimal(paidCents(inv), inv.currency)} ${escapeHtml(inv.currency)} received.</p>` : ''}
        <form method="post" action="/i/${encodeURIComponent(inv.id)}/pay"><button name="amount" value="full" type="submit">Pay with wallet</button></form>
        <form method="post" action="/i/${encodeURIComponent(inv.id)}/pay"><button name="amount" value="${half}" type="submit" class="secondary">Pay ${unitsToDecimal(half, inv.currency)} only (partial)</button></form>
        ${backLink}`;
    } else if (inv.status === 'Expired' && inv.additionalStatus !== 'PaidLate') {
      content = `<p data-testid="invoice-status">This invoice has expired.</p>${backLink}`;
    } else if (inv.status === 'Invalid') {
      content = `<p data-testid="invoice-status">This invoice is no longer valid.</p>${backLink}`;
    } else {
      content = `<p data-testid="invoice-status">Invoice paid${inv.status === 'Processing' ? ', waiting for confirmations' : ''}.</p>${backLink}`;
    }
    sendHtml(res, 200, page(`${store?.name ?? 'Store'}: invoice`, `<h1>${escapeHtml(store?.name ?? 'Store')}</h1>${content}`));
  }

  private async checkoutPay(req: FakeRequest, res: ServerResponse, id: string): Promise<void> {
    const inv = this.invoices.get(id);
    if (!inv) return sendHtml(res, 404, page('Invoice not found', '<p>This invoice does not exist.</p>'));
    const form = new URLSearchParams(req.rawBody.toString('utf8'));
    const raw = form.get('amount');
    const cents = raw === 'full' || raw === null ? undefined : Number(raw);
    if (cents !== undefined && !(Number.isSafeInteger(cents) && cents > 0))
      return sendHtml(res, 400, page('Bad amount', '<p>Bad amount.</p>'));
    await this.pay(inv.id, cents);
    const back = this.redirectUrl(inv);
    const paidUp = inv.status === 'Settled' || inv.status === 'Processing' || inv.additionalStatus === 'PaidLate';
    redirect(res, paidUp && back && inv.checkout.redirectAutomatically ? back : `/i/${encodeURIComponent(inv.id)}`);
  }

  private claimPage(res: ServerResponse, id: string): void {
    const pp = this.pullPayments.get(id);
    if (!pp) return sendHtml(res, 404, page('Not found', '<p>This pull payment does not exist.</p>'));
    const payouts = pp.payouts.map((p) => `<li data-testid="payout">${escapeHtml(p.destination)}: ${p.state}</li>`).join('');
    sendHtml(
      res,
      200,
      page(
        escapeHtml(pp.name),
        `
      <h1>${escapeHtml(pp.name)}</h1>
      <p class="amount" data-testid="refund-amount">${escapeHtml(pp.amount)} ${escapeHtml(pp.currency)}</p>
      ${pp.description ? `<p>${escapeHtml(pp.description)}</p>` : ''}
      <form method="post" action="/pull-payments/${encodeURIComponent(pp.id)}/claim">
        <label>Your Bitcoin address <input name="destination" required autocomplete="off"></label>
        <button type="submit">Claim</button>
      </form>
      ${payouts ? `<ul>${payouts}</ul>` : ''}`,
      ),
    );
  }

  private claim(req: FakeRequest, res: ServerResponse, id: string): void {
    const pp = this.pullPayments.get(id);
    if (!pp) return sendHtml(res, 404, page('Not found', '<p>This pull payment does not exist.</p>'));
    const destination = new URLSearchParams(req.rawBody.toString('utf8')).get('destination')?.trim();
    if (!destination) return sendHtml(res, 400, page('Address needed', '<p>Enter the address to send the refund to.</p>'));
    const payout: FakePayout = {
      id: randomId(22),
      pullPaymentId: pp.id,
      destination,
      state: pp.autoApproveClaims ? 'AwaitingPayment' : 'AwaitingApproval',
      date: this.seconds(),
      revision: 0,
    };
    pp.payouts.push(payout);
    this.emitPayout(pp, payout, 'PayoutCreated');
    redirect(res, `/pull-payments/${encodeURIComponent(pp.id)}`);
  }

  /** The store owner approves a claim in BTCPay (Payouts, "Awaiting approval" -> Approve): AwaitingPayment. */
  approvePayout(payoutId: string): FakePayout {
    const { pp, payout } = this.mustPayout(payoutId);
    if (payout.state !== 'AwaitingApproval') throw new Error(`payout ${payoutId} is ${payout.state}, not AwaitingApproval`);
    this.movePayout(pp, payout, 'AwaitingPayment', 'PayoutApproved');
    return payout;
  }

  /** The store pays an approved claim (a payout processor, or "Send" in BTCPay): InProgress, then Completed once confirmed. */
  payPayout(payoutId: string, opts: { confirmed?: boolean } = {}): FakePayout {
    const { pp, payout } = this.mustPayout(payoutId);
    if (payout.state !== 'AwaitingPayment') throw new Error(`payout ${payoutId} is ${payout.state}, not AwaitingPayment`);
    this.movePayout(pp, payout, 'InProgress', 'PayoutUpdated');
    if (opts.confirmed !== false) this.movePayout(pp, payout, 'Completed', 'PayoutUpdated');
    return payout;
  }

  /** The store cancels a claim that was not paid yet (BTCPay: Payouts -> Cancel). */
  cancelPayout(payoutId: string): FakePayout {
    const { pp, payout } = this.mustPayout(payoutId);
    if (payout.state === 'Completed' || payout.state === 'InProgress') throw new Error(`payout ${payoutId} is ${payout.state}`);
    this.movePayout(pp, payout, 'Cancelled', 'PayoutUpdated');
    return payout;
  }

  private mustPayout(payoutId: string): { pp: FakePullPayment; payout: FakePayout } {
    for (const pp of this.pullPayments.values()) {
      const payout = pp.payouts.find((p) => p.id === payoutId);
      if (payout) return { pp, payout };
    }
    throw new Error(`no payout ${payoutId}`);
  }

  private movePayout(pp: FakePullPayment, payout: FakePayout, state: FakePayout['state'], type: string): void {
    payout.state = state;
    payout.revision += 1;
    this.emitPayout(pp, payout, type);
  }

  // ---- JSON shapes ----

  private storeJson(s: FakeBtcPayStore) {
    return {
      id: s.id,
      name: s.name,
      website: null,
      defaultCurrency: s.defaultCurrency ?? 'USD',
      invoiceExpiration: 900,
      monitoringExpiration: 86400,
      speedPolicy: 'MediumSpeed',
      paymentTolerance: 0,
      archived: false,
      anyoneCanCreateInvoice: false,
      receipt: { enabled: true, showQR: null, showPayments: null },
    };
  }

  private invoiceJson(inv: FakeBtcPayInvoice) {
    return {
      metadata: inv.metadata,
      checkout: {
        speedPolicy: 'MediumSpeed',
        paymentMethods: ['BTC-CHAIN'],
        defaultPaymentMethod: null,
        lazyPaymentMethods: false,
        expirationMinutes: inv.checkout.expirationMinutes,
        monitoringMinutes: 1440,
        paymentTolerance: 0,
        redirectURL: inv.checkout.redirectURL,
        redirectAutomatically: inv.checkout.redirectAutomatically,
        defaultLanguage: null,
      },
      receipt: { enabled: true, showQR: null, showPayments: null },
      id: inv.id,
      storeId: inv.storeId,
      amount: unitsToDecimal(inv.amountCents, inv.currency),
      ...(this.paidAmountInInvoice ? { paidAmount: unitsToDecimal(paidCents(inv), inv.currency) } : {}),
      currency: inv.currency,
      type: 'Standard',
      checkoutLink: `${this.url}/i/${inv.id}`,
      createdTime: inv.createdTime,
      expirationTime: inv.expirationTime,
      monitoringExpiration: inv.expirationTime + 86400,
      status: inv.status,
      additionalStatus: inv.additionalStatus,
      availableStatusesForManualMarking: [...(canMarkComplete(inv) ? ['Settled'] : []), ...(canMarkInvalid(inv) ? ['Invalid'] : [])],
      archived: false,
    };
  }

  private paymentJson(inv: FakeBtcPayInvoice, p: FakeBtcPayInvoice['payments'][number]) {
    return {
      id: p.id,
      receivedDate: p.receivedDate,
      value: (toMajor(p.cents, inv.currency) / this.btcRate).toFixed(8),
      fee: '0.00000000',
      status: p.status,
      destination: `bcrt1qfakeaddress${inv.id.slice(0, 8).toLowerCase()}`,
    };
  }

  private paymentMethodJson(inv: FakeBtcPayInvoice) {
    const btc = (c: number) => (toMajor(c, inv.currency) / this.btcRate).toFixed(8);
    const paid = paidCents(inv);
    return {
      paymentMethodId: 'BTC-CHAIN',
      currency: 'BTC',
      destination: `bcrt1qfakeaddress${inv.id.slice(0, 8).toLowerCase()}`,
      paymentLink: `bitcoin:bcrt1qfakeaddress${inv.id.slice(0, 8).toLowerCase()}?amount=${btc(inv.amountCents)}`,
      rate: this.btcRate.toFixed(2),
      paymentMethodPaid: btc(paid),
      totalPaid: btc(paid),
      due: btc(inv.amountCents - paid),
      amount: btc(inv.amountCents),
      paymentMethodFee: '0.00000000',
      payments: inv.payments.map((p) => this.paymentJson(inv, p)),
      activated: true,
      additionalData: {},
    };
  }

  /** Greenfield PayoutData: amounts in the pull payment's currency until approval sets the payout's. */
  private payoutJson(pp: FakePullPayment, p: FakePayout) {
    const approved = p.state !== 'AwaitingApproval' && p.state !== 'Cancelled';
    return {
      id: p.id,
      revision: p.revision,
      pullPaymentId: pp.id,
      date: p.date,
      destination: p.destination,
      originalCurrency: pp.currency,
      originalAmount: pp.amount,
      payoutCurrency: 'BTC',
      payoutAmount: approved ? (pp.currency === 'BTC' ? pp.amount : (Number(pp.amount) / this.btcRate).toFixed(8)) : null,
      payoutMethodId: 'BTC-CHAIN',
      state: p.state,
      paymentProof: null,
      metadata: {},
    };
  }

  private pullPaymentJson(pp: FakePullPayment) {
    return {
      id: pp.id,
      name: pp.name,
      description: pp.description,
      currency: pp.currency,
      amount: pp.amount,
      BOLT11Expiration: '30',
      autoApproveClaims: pp.autoApproveClaims,
      archived: false,
      viewLink: `${this.url}/pull-payments/${pp.id}`,
    };
  }

  // ---- state and webhooks ----

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  private mustInvoice(id: string): FakeBtcPayInvoice {
    const inv = this.invoices.get(id);
    if (!inv) throw new Error(`no invoice ${id}`);
    return inv;
  }

  /** Expiry happens when it is noticed: on every read, payment and page view. */
  private sweep(inv: FakeBtcPayInvoice): void {
    if (inv.status !== 'New' || this.seconds() < inv.expirationTime) return;
    inv.status = 'Expired';
    const partiallyPaid = paidCents(inv) > 0;
    inv.additionalStatus = partiallyPaid ? 'PaidPartial' : 'None';
    this.emit(inv, 'InvoiceExpired', { partiallyPaid });
  }

  private redirectUrl(inv: FakeBtcPayInvoice): string | null {
    const orderId = typeof inv.metadata.orderId === 'string' ? inv.metadata.orderId : '';
    return inv.checkout.redirectURL?.replaceAll('{InvoiceId}', inv.id).replaceAll('{OrderId}', encodeURIComponent(orderId)) ?? null;
  }

  /** PayoutCreated / PayoutApproved / PayoutUpdated as BTCPay's PayoutTriggerProvider sends them (WebhookPayoutEvent). */
  private emitPayout(pp: FakePullPayment, payout: FakePayout, type: string): void {
    this.emitStore(pp.storeId, type, { payoutId: payout.id, pullPaymentId: pp.id, payoutState: payout.state });
  }

  private emitStore(storeId: string, type: string, fields: Record<string, unknown>): void {
    const store = this.stores.find((s) => s.id === storeId);
    for (const webhook of (store?.webhooks ?? []).filter((w) => webhookWants(w, type))) {
      const deliveryId = randomId(22);
      const payload = {
        deliveryId,
        webhookId: webhook.id,
        originalDeliveryId: deliveryId,
        isRedelivery: false,
        type,
        timestamp: this.seconds(),
        storeId,
        ...fields,
      };
      this.sent.set(deliveryId, { webhook, payload });
      void this.deliver(webhook, payload);
    }
  }

  /** An invoice's webhook (InvoiceCreated, InvoiceSettled ...): the store's envelope with the invoice's id and metadata. */
  private emit(inv: FakeBtcPayInvoice, type: string, extra: Record<string, unknown>): void {
    this.emitStore(inv.storeId, type, { invoiceId: inv.id, metadata: inv.metadata, ...extra });
  }

  private async deliver(webhook: FakeBtcPayWebhook, payload: Record<string, unknown>): Promise<void> {
    const body = JSON.stringify(payload);
    const sig = createHmac('sha256', webhook.secret).update(body, 'utf8').digest('hex');
    await this.outbox.send(webhook.url, body, { 'btcpay-sig': `sha256=${sig}`, 'user-agent': 'BTCPayServer' });
  }
}

// BTCPay's policies: what each route asks for ([Authorize(Policy = …)] in the Greenfield controllers) and
// what each policy includes (PolicyDefinitions in BTCPayServerServices.cs, the part these routes reach).
function routePolicy(method: string, rest: string): string | null {
  if (method === 'GET' && rest === '') return 'btcpay.store.canviewstoresettings';
  // GreenfieldStoreWebhooksController: the whole controller asks for Policies.CanModifyWebhooks.
  if (/^\/webhooks(\/[^/]+)?$/.test(rest)) return 'btcpay.store.webhooks.canmodifywebhooks';
  if (method === 'POST' && rest === '/invoices') return 'btcpay.store.cancreateinvoice';
  if (method === 'GET' && /^\/payouts\/[^/]+$/.test(rest)) return 'btcpay.store.canviewpayouts';
  if (method === 'GET' && rest === '/pull-payments') return 'btcpay.store.canviewpullpayments';
  if (method === 'GET' && /^\/invoices\/[^/]+(\/payment-methods)?$/.test(rest)) return 'btcpay.store.canviewinvoices';
  if (method === 'POST' && /^\/invoices\/[^/]+\/status$/.test(rest)) return 'btcpay.store.canmodifyinvoices';
  if (method === 'POST' && /^\/invoices\/[^/]+\/refund$/.test(rest)) return 'btcpay.store.cancreatenonapprovedpullpayments';
  return null;
}
const POLICY_CHILDREN: Record<string, string[]> = {
  'btcpay.store.canmodifystoresettings': [
    'btcpay.store.canmanagepullpayments',
    'btcpay.store.canmodifyinvoices',
    'btcpay.store.canviewstoresettings',
    'btcpay.store.webhooks.canmodifywebhooks',
    'btcpay.store.canmodifypaymentrequests',
    'btcpay.store.canmanagepayouts',
    'btcpay.store.canuselightningnode',
    'btcpay.store.cansendstoreemails',
  ],
  'btcpay.store.canviewstoresettings': [
    'btcpay.store.canviewinvoices',
    'btcpay.store.canviewpaymentrequests',
    'btcpay.store.canviewreports',
    'btcpay.store.canviewpullpayments',
    'btcpay.store.canviewpayouts',
  ],
  'btcpay.store.canmodifyinvoices': [
    'btcpay.store.canviewinvoices',
    'btcpay.store.cancreateinvoice',
    'btcpay.store.cancreatelightninginvoice',
  ],
  'btcpay.store.canmanagepullpayments': ['btcpay.store.cancreatepullpayments', 'btcpay.store.canarchivepullpayments'],
  'btcpay.store.cancreatepullpayments': ['btcpay.store.cancreatenonapprovedpullpayments'],
  'btcpay.store.cancreatenonapprovedpullpayments': ['btcpay.store.canviewpullpayments'],
  'btcpay.store.canmanagepayouts': ['btcpay.store.canviewpayouts'],
};
function policyIncludes(held: string, wanted: string): boolean {
  return held === 'unrestricted' || held === wanted || (POLICY_CHILDREN[held] ?? []).some((c) => policyIncludes(c, wanted));
}

function paidCents(inv: FakeBtcPayInvoice): number {
  return inv.payments.reduce((s, p) => s + p.cents, 0);
}

// BTCPay's InvoiceEntity rules (CanMarkComplete, CanMarkInvalid, CanRefund).
function canMarkComplete(inv: FakeBtcPayInvoice): boolean {
  return (
    ['New', 'Processing', 'Expired', 'Invalid'].includes(inv.status) || (inv.status !== 'Settled' && inv.additionalStatus === 'Marked')
  );
}
function canMarkInvalid(inv: FakeBtcPayInvoice): boolean {
  return ['New', 'Processing', 'Expired'].includes(inv.status) || (inv.status !== 'Invalid' && inv.additionalStatus === 'Marked');
}
function canRefund(inv: FakeBtcPayInvoice): boolean {
  return (
    inv.status === 'Settled' ||
    inv.status === 'Invalid' ||
    (inv.status === 'Expired' && ['PaidLate', 'PaidOver', 'PaidPartial'].includes(inv.additionalStatus))
  );
}

// Amounts are kept in the invoice currency's smallest unit by BTCPay's currency table
// (BTCPayServer.Rating/Currencies.json "divisibility"): none for these, 2 for the other fiat currencies used here.
const NO_DIVISIBILITY = new Set(['CLP', 'ISK', 'JPY', 'KRW', 'UGX', 'VND']);
const divisibility = (currency: string) => (NO_DIVISIBILITY.has(currency.toUpperCase()) ? 0 : 2);

/** "12.34" USD -> 1234, "4250" JPY -> 4250; digits past the currency's divisibility round half up. */
function decimalToUnits(s: string, currency: string): number | null {
  const m = /^(\d+)(?:\.(\d{1,8}))?$/.exec(s.trim());
  if (!m) return null;
  const scale = 10 ** divisibility(currency);
  return Number(m[1]) * scale + Math.round(Number(`0.${m[2] ?? '0'}`) * scale);
}

function unitsToDecimal(units: number, currency: string): string {
  return toMajor(units, currency).toFixed(divisibility(currency));
}

function toMajor(units: number, currency: string): number {
  return units / 10 ** divisibility(currency);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:0 auto;padding:1rem}
.amount{font-size:2rem;font-weight:700}.muted{color:#666;word-break:break-all}button{display:block;width:100%;min-height:48px;margin:.5rem 0;border:0;border-radius:8px;background:#51b13e;color:#fff;font-size:1rem}
button.secondary{background:#ddd;color:#222}input{display:block;width:100%;min-height:40px;margin:.25rem 0 .5rem;box-sizing:border-box}</style></head>
<body><p class="muted">BTCPay Server (local fake)</p>${body}</body></html>`;
}

// Run on its own: `node --import tsx src/dev/fakes/fake-btcpay.ts`. Env: FAKE_BTCPAY_PORT, and for the one
// store FAKE_BTCPAY_STORE_ID, FAKE_BTCPAY_API_KEY, FAKE_BTCPAY_WEBHOOK_URL, FAKE_BTCPAY_WEBHOOK_SECRET.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = process.env;
  const fake = new FakeBtcPay({
    stores: [
      {
        id: env.FAKE_BTCPAY_STORE_ID ?? 'FakeStore1',
        name: 'Demo Shop',
        apiKeys: [env.FAKE_BTCPAY_API_KEY ?? 'fake-btcpay-api-key'],
        webhooks:
          env.FAKE_BTCPAY_WEBHOOK_URL && env.FAKE_BTCPAY_WEBHOOK_SECRET
            ? [{ id: 'FakeWebhook1', url: env.FAKE_BTCPAY_WEBHOOK_URL, secret: env.FAKE_BTCPAY_WEBHOOK_SECRET }]
            : [],
      },
    ],
  });
  await fake.start(Number(env.FAKE_BTCPAY_PORT ?? 0));
  console.log(JSON.stringify({ url: fake.url }));
  const stop = () => void fake.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** The demo shop's store on the development fake BTCPay Server. Not secrets: a fake's. */
export const DEV_BTCPAY_STORE = {
  storeId: 'DevDemoStore',
  apiKey: 'dev-fake-btcpay-api-key',
  webhookSecret: 'dev-fake-btcpay-webhook-secret',
} as const;

/**
 * Development: a fake BTCPay Server with the demo store (its webhook is registered once the connection exists), on
 * `port` (DEV_BTCPAY_PORT, a fixed one by default). A BTCPay connection names its server's URL, so a shop connected
 * to the fake in the panel keeps working across restarts only if the fake comes back at the same address (PayPal's
 * and Square's fakes may move: their address is the process's PAYPAL_/SQUARE_API_BASE_URL, set at each start).
 */
export async function startDevBtcPay(port: number): Promise<FakeBtcPay> {
  return new FakeBtcPay({
    stores: [{ id: DEV_BTCPAY_STORE.storeId, name: 'Demo Shop', apiKeys: [DEV_BTCPAY_STORE.apiKey], webhooks: [] }],
  }).start(port);
}

/**
 * Points the store's webhook `Wh<storeId>` at `url` (BTCPay: Store settings -> Webhooks), replacing an earlier
 * one of that id; the store's other webhooks (an owner's own, made on the fake's Webhooks page) stay.
 */
export function registerBtcPayWebhook(fake: FakeBtcPay, storeId: string, url: string, secret: string): void {
  const store = fake.stores.find((s) => s.id === storeId);
  if (!store) return;
  const id = `Wh${storeId}`;
  const at = store.webhooks.findIndex((w) => w.id === id);
  store.webhooks.splice(at === -1 ? store.webhooks.length : at, at === -1 ? 0 : 1, { id, url, secret });
}
