// A local stand-in for Square's Payments, Refunds and Locations APIs (connect.squareup.com/v2) as Cash App Pay
// uses them, speaking Square's JSON: GET /v2/locations/{id}, POST /v2/payments, GET /v2/payments (ListPayments:
// begin_time, end_time, sort_order, location_id, total, limit, cursor), GET /v2/payments/{id},
// POST /v2/payments/{id}/cancel, POST /v2/refunds, GET /v2/refunds/{id}; Bearer access tokens (401 with
// Square's {errors: [{category, code, detail}]} body), idempotency_key honoured (same key and body: the first
// answer again; same key, other body: IDEMPOTENCY_KEY_REUSED), and Square's sandbox Cash App test tokens
// (wnon:cash-app-ok completes, wnon:cash-app-declined declines). It posts payment.created/updated and
// refund.created/updated notifications to each merchant's notification URL signed as Square signs them
// (base64 HMAC-SHA256 of notification URL + body), with its own crypto code, not our verifier's. Refunds
// start PENDING and complete a moment later (or when the test says) with a refund.updated notification.
// GET /v1/square.js serves a stand-in for the Web Payments SDK (fake-square-sdk.ts). Webhook subscriptions
// (the Webhook Subscriptions API and the Developer Dashboard's Webhooks page) are in fake-square-webhooks.ts:
// each event goes to the merchant's `webhook` (set by the code that starts the fake) and to every subscription
// of the merchant listing its type, each signed with its own key and URL.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import { AnswerHold, FakeHttpServer, parseJson, randomId, sendJson, WebhookOutbox, type FakeRequest } from './fake-http.js';
import { fakeSquareSdkScript } from './fake-square-sdk.js';
import {
  handleDashboard,
  handleSubscriptionsApi,
  restoreSubscription,
  subscriptionsFor,
  type FakeSquareSubscription,
} from './fake-square-webhooks.js';

export interface FakeSquareLocation {
  id: string;
  name: string;
  country?: string;
  currency?: string;
  status?: 'ACTIVE' | 'INACTIVE';
}

export interface FakeSquareMerchant {
  merchantId: string;
  accessToken: string;
  applicationId: string;
  locations: FakeSquareLocation[];
  /** Where payment and refund notifications go, and the subscription's signature key (one made before start). */
  webhook?: { notificationUrl: string; signatureKey: string };
  /** Subscriptions added through the Webhook Subscriptions API or the Developer Dashboard page. */
  subscriptions?: FakeSquareSubscription[];
}

export interface FakeSquareOptions {
  merchants?: FakeSquareMerchant[];
  /** Complete PENDING refunds right after answering (default true). Off: call completeRefund / failRefund. */
  autoCompleteRefunds?: boolean;
  /** The token the fake Web Payments SDK hands out (default wnon:cash-app-ok). */
  sdkToken?: string;
}

export const SQUARE_TEST_TOKENS = { ok: 'wnon:cash-app-ok', declined: 'wnon:cash-app-declined' } as const;

type Json = Record<string, unknown>;
interface Money {
  amount: number;
  currency: string;
}

export interface FakeSquarePayment {
  merchantId: string;
  json: Json & { id: string; status: string; amount_money: Money; refunded_money?: Money; refund_ids?: string[] };
}

export interface FakeSquareRefund {
  merchantId: string;
  json: Json & { id: string; status: string; amount_money: Money; payment_id: string };
}

interface IdempotentAnswer {
  bodyHash: string;
  status: number;
  body: unknown;
}

const SQUARE_VERSION = '2026-09-16';

function squareError(category: string, code: string, detail: string, field?: string) {
  return { errors: [{ category, code, detail, ...(field ? { field } : {}) }] };
}

export class FakeSquare {
  readonly merchants: FakeSquareMerchant[];
  readonly payments = new Map<string, FakeSquarePayment>();
  readonly refunds = new Map<string, FakeSquareRefund>();
  readonly outbox = new WebhookOutbox();
  /** Every API call as received (method, path, query, parsed body, Authorization header). */
  readonly calls: { method: string; path: string; query: URLSearchParams; body: Json | null; authorization: string | undefined }[] = [];
  autoCompleteRefunds: boolean;
  sdkToken: string;
  private readonly idempotency = new Map<string, IdempotentAnswer>();
  private readonly http = new FakeHttpServer((req, res) => this.handle(req, res));
  private failures: { path: RegExp; status: number; times: number }[] = [];
  private readonly refundHold = new AnswerHold();

  constructor(opts: FakeSquareOptions = {}) {
    this.merchants = opts.merchants ?? [
      {
        merchantId: 'MLFAKE0MERCHANT',
        accessToken: 'EAAAl-fake-square-sandbox-token',
        applicationId: 'sandbox-sq0idb-fake-application',
        locations: [{ id: 'LFAKE0LOCATION', name: 'Demo Shop', country: 'US', currency: 'USD' }],
      },
    ];
    this.autoCompleteRefunds = opts.autoCompleteRefunds ?? true;
    this.sdkToken = opts.sdkToken ?? SQUARE_TEST_TOKENS.ok;
  }

  get url(): string {
    return this.http.url;
  }

  /** The Web Payments SDK script URL a connection points the invoice page at. */
  get sdkUrl(): string {
    return `${this.http.url}/v1/square.js`;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    await this.http.start(port, host);
    return this;
  }

  async stop(): Promise<void> {
    await this.outbox.idle();
    await this.http.stop();
  }

  /** The next `times` API calls whose path matches answer `status` with Square's error body. */
  fail(path: RegExp, status: number, times = 1): void {
    this.failures.push({ path, status, times });
  }

  /** Waits until every notification sent so far has been answered. */
  idle(): Promise<void> {
    return this.outbox.idle();
  }

  /**
   * The next RefundPayment request (and its retries, same idempotency key) is carried out at once (the refund
   * made, its refund.created notification sent) but answered only once the returned function is called: our
   * refund job waits on Square's answer meanwhile, its refund not yet recorded, while the test sends the
   * refund's later notifications (completeRefund / failRefund). Other requests are answered as usual.
   */
  holdNextRefundAnswer(): () => void {
    return this.refundHold.holdNext();
  }

  completeRefund(refundId: string): Promise<void> {
    return this.finishRefund(refundId, 'COMPLETED');
  }

  failRefund(refundId: string): Promise<void> {
    return this.finishRefund(refundId, 'FAILED');
  }

  /** Whether the fake has the application (a connection's Application ID): its webhooks can be given back at start. */
  hasApplication(applicationId: string): boolean {
    return this.merchants.some((m) => m.applicationId === applicationId);
  }

  /** A subscription a connection saved, given back after a restart (fake-square-webhooks.ts restoreSubscription). */
  restoreSubscription(applicationId: string, url: string, signatureKey: string): boolean {
    const merchant = this.merchants.find((m) => m.applicationId === applicationId);
    return merchant ? restoreSubscription(merchant, url, signatureKey, SQUARE_VERSION) : false;
  }

  private async handle(req: FakeRequest, res: ServerResponse): Promise<void> {
    if (req.method === 'GET' && req.path === '/v1/square.js') {
      res.writeHead(200, { 'content-type': 'application/javascript; charset=utf-8', 'cache-control': 'no-store' });
      res.end(fakeSquareSdkScript(this.sdkToken));
      return;
    }
    if (handleDashboard(req, res, this.merchants, SQUARE_VERSION)) return;
    const body = req.method === 'POST' ? parseJson(req.rawBody) : null;
    this.calls.push({ method: req.method, path: req.path, query: req.query, body, authorization: req.headers.authorization });
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const merchant = this.merchants.find((m) => m.accessToken === token);
    if (!merchant) return sendJson(res, 401, squareError('AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'This request could not be authorized.'));
    const failure = this.failures.find((f) => f.path.test(req.path) && f.times > 0);
    if (failure) {
      failure.times -= 1;
      return sendJson(
        res,
        failure.status,
        squareError(
          failure.status >= 500 ? 'API_ERROR' : 'INVALID_REQUEST_ERROR',
          failure.status >= 500 ? 'SERVICE_UNAVAILABLE' : 'BAD_REQUEST',
          'Simulated failure',
        ),
      );
    }
    if (req.method === 'POST' && body === null) {
      return sendJson(res, 400, squareError('INVALID_REQUEST_ERROR', 'INVALID_BODY', 'The request body is not valid JSON.'));
    }

    if (req.path.startsWith('/v2/webhooks/') && handleSubscriptionsApi(req, res, merchant, body, SQUARE_VERSION)) return;
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && (m = /^\/v2\/locations\/([^/]+)$/.exec(req.path)))
      return this.getLocation(res, merchant, decodeURIComponent(m[1]!));
    if (req.method === 'POST' && req.path === '/v2/payments')
      return this.idempotent(res, merchant, req.path, body!, () => this.createPayment(merchant, body!));
    if (req.method === 'GET' && req.path === '/v2/payments') return this.listPayments(res, merchant, req.query);
    if (req.method === 'GET' && (m = /^\/v2\/payments\/([^/]+)$/.exec(req.path)))
      return this.getPayment(res, merchant, decodeURIComponent(m[1]!));
    if (req.method === 'POST' && (m = /^\/v2\/payments\/([^/]+)\/cancel$/.exec(req.path)))
      return this.cancelPayment(res, merchant, decodeURIComponent(m[1]!));
    if (req.method === 'POST' && req.path === '/v2/refunds')
      return this.idempotent(res, merchant, req.path, body!, () => this.createRefund(merchant, body!));
    if (req.method === 'GET' && (m = /^\/v2\/refunds\/([^/]+)$/.exec(req.path)))
      return this.getRefund(res, merchant, decodeURIComponent(m[1]!));
    return sendJson(res, 404, squareError('INVALID_REQUEST_ERROR', 'NOT_FOUND', `No route ${req.method} ${req.path}`));
  }

  private getLocation(res: ServerResponse, merchant: FakeSquareMerchant, id: string): void {
    const loc = merchant.locations.find((l) => l.id === id);
    if (!loc) return sendJson(res, 404, squareError('INVALID_REQUEST_ERROR', 'NOT_FOUND', `Location with ID ${id} not found.`));
    sendJson(res, 200, {
      location: {
        id: loc.id,
        name: loc.name,
        business_name: loc.name,
        merchant_id: merchant.merchantId,
        status: loc.status ?? 'ACTIVE',
        country: loc.country ?? 'US',
        currency: loc.currency ?? 'USD',
        language_code: 'en-US',
        timezone: 'America/Los_Angeles',
        type: 'PHYSICAL',
        capabilities: ['CREDIT_CARD_PROCESSING', 'AUTOMATIC_TRANSFERS'],
        created_at: '2026-01-01T00:00:00.000Z',
      },
    });
  }

  /** Square's idempotency: one answer per (merchant, endpoint, key); another body with the same key is refused. */
  private async idempotent(
    res: ServerResponse,
    merchant: FakeSquareMerchant,
    path: string,
    body: Json,
    run: () => { status: number; body: unknown; after?: () => void },
  ): Promise<void> {
    const key = body.idempotency_key;
    if (typeof key !== 'string' || key.length === 0 || key.length > 45) {
      return sendJson(
        res,
        400,
        squareError(
          'INVALID_REQUEST_ERROR',
          key === undefined ? 'MISSING_REQUIRED_PARAMETER' : 'INVALID_VALUE',
          'Field must be set (1 to 45 characters).',
          'idempotency_key',
        ),
      );
    }
    const held = path === '/v2/refunds' ? this.refundHold.waitFor(key) : undefined;
    const slot = `${merchant.merchantId}|${path}|${key}`;
    const bodyHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    const seen = this.idempotency.get(slot);
    if (seen) {
      if (seen.bodyHash !== bodyHash) {
        return sendJson(
          res,
          400,
          squareError(
            'INVALID_REQUEST_ERROR',
            'IDEMPOTENCY_KEY_REUSED',
            'The idempotency key can only be retried with the same request data.',
            'idempotency_key',
          ),
        );
      }
      if (held) await held;
      return sendJson(res, seen.status, seen.body);
    }
    const answer = run();
    this.idempotency.set(slot, { bodyHash, status: answer.status, body: answer.body });
    if (held) {
      // Square's notifications go out while its answer is still on its way (holdNextRefundAnswer).
      answer.after?.();
      await held;
      return sendJson(res, answer.status, answer.body);
    }
    sendJson(res, answer.status, answer.body);
    answer.after?.();
  }

  private createPayment(merchant: FakeSquareMerchant, body: Json): { status: number; body: unknown; after?: () => void } {
    const money = readMoney(body.amount_money);
    if (!money)
      return { status: 400, body: squareError('INVALID_REQUEST_ERROR', 'MISSING_REQUIRED_PARAMETER', 'Field must be set', 'amount_money') };
    if (money.amount <= 0)
      return {
        status: 400,
        body: squareError('INVALID_REQUEST_ERROR', 'INVALID_VALUE', 'amount_money.amount must be greater than 0', 'amount_money.amount'),
      };
    const locationId = typeof body.location_id === 'string' ? body.location_id : merchant.locations[0]?.id;
    const location = merchant.locations.find((l) => l.id === locationId);
    if (!location)
      return {
        status: 400,
        body: squareError('INVALID_REQUEST_ERROR', 'NOT_FOUND', `Location with ID ${locationId} not found.`, 'location_id'),
      };
    if (money.currency !== (location.currency ?? 'USD')) {
      return {
        status: 400,
        body: squareError(
          'INVALID_REQUEST_ERROR',
          'INVALID_CURRENCY',
          `This merchant can only process payments in ${location.currency ?? 'USD'}, but amount was provided in ${money.currency}.`,
          'amount_money.currency',
        ),
      };
    }
    const source = body.source_id;
    if (source !== SQUARE_TEST_TOKENS.ok && source !== SQUARE_TEST_TOKENS.declined) {
      return {
        status: 400,
        body: squareError(
          'INVALID_REQUEST_ERROR',
          source === undefined ? 'MISSING_REQUIRED_PARAMETER' : 'INVALID_CARD_DATA',
          'Invalid source_id: only the sandbox Cash App Pay test tokens are accepted here.',
          'source_id',
        ),
      };
    }
    const declined = source === SQUARE_TEST_TOKENS.declined;
    const now = new Date().toISOString();
    const payment: FakeSquarePayment['json'] = {
      id: randomId(29),
      created_at: now,
      updated_at: now,
      amount_money: money,
      total_money: money,
      ...(declined ? {} : { approved_money: money }),
      status: declined ? 'FAILED' : 'COMPLETED',
      delay_duration: 'PT168H',
      source_type: 'WALLET',
      wallet_details: {
        status: declined ? 'FAILED' : 'CAPTURED',
        brand: 'CASH_APP',
        cash_app_details: { buyer_full_name: 'Sandbox Buyer', buyer_country_code: 'US', buyer_cashtag: '$SandboxBuyer' },
      },
      location_id: location.id,
      order_id: randomId(29),
      ...(typeof body.reference_id === 'string' ? { reference_id: body.reference_id } : {}),
      ...(typeof body.note === 'string' ? { note: body.note } : {}),
      application_details: { square_product: 'ECOMMERCE_API', application_id: merchant.applicationId },
      receipt_number: '',
      version_token: randomId(40),
      capabilities: declined ? [] : ['EDIT_AMOUNT_UP', 'EDIT_AMOUNT_DOWN', 'EDIT_TIP_AMOUNT_UP', 'EDIT_TIP_AMOUNT_DOWN'],
    };
    payment.receipt_number = payment.id.slice(0, 4);
    this.payments.set(payment.id, { merchantId: merchant.merchantId, json: payment });
    const notify = () => {
      void this.notify(merchant, 'payment.created', 'payment', payment.id, { payment: structuredClone(payment) });
      if (!declined) void this.notify(merchant, 'payment.updated', 'payment', payment.id, { payment: structuredClone(payment) });
    };
    if (declined) {
      return {
        status: 400,
        body: {
          ...squareError('PAYMENT_METHOD_ERROR', 'GENERIC_DECLINE', "Authorization error: 'GENERIC_DECLINE'"),
          payment: structuredClone(payment),
        },
        after: notify,
      };
    }
    return { status: 200, body: { payment: structuredClone(payment) }, after: notify };
  }

  /**
   * ListPayments as Square answers it: the merchant's payments at one location (the first by default) with
   * created_at in [begin_time, end_time] (default: the last year), DESC unless sort_order=ASC, total_money
   * equal to `total` when given, `limit` (1-100, default 100) per page and an opaque `cursor` for the next;
   * no payments at all answer {}.
   */
  private listPayments(res: ServerResponse, merchant: FakeSquareMerchant, q: URLSearchParams): void {
    const time = (name: string, fallback: number): number | null => {
      const v = q.get(name);
      if (v === null) return fallback;
      const t = Date.parse(v);
      return /^\d{4}-\d{2}-\d{2}T/.test(v) && Number.isFinite(t) ? t : null;
    };
    const now = Date.now();
    const begin = time('begin_time', now - 365 * 24 * 3600_000);
    const end = time('end_time', now);
    if (begin === null)
      return sendJson(
        res,
        400,
        squareError('INVALID_REQUEST_ERROR', 'INVALID_TIME', 'Invalid begin_time: it must be an RFC 3339 timestamp.', 'begin_time'),
      );
    if (end === null)
      return sendJson(
        res,
        400,
        squareError('INVALID_REQUEST_ERROR', 'INVALID_TIME', 'Invalid end_time: it must be an RFC 3339 timestamp.', 'end_time'),
      );
    const order = q.get('sort_order') ?? 'DESC';
    if (order !== 'ASC' && order !== 'DESC')
      return sendJson(
        res,
        400,
        squareError('INVALID_REQUEST_ERROR', 'INVALID_ENUM_VALUE', `Expected sort_order to be one of "ASC", "DESC".`, 'sort_order'),
      );
    const limitText = q.get('limit');
    const limit = limitText === null ? 100 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1)
      return sendJson(res, 400, squareError('INVALID_REQUEST_ERROR', 'INVALID_VALUE', 'limit must be a positive integer.', 'limit'));
    const locationId = q.get('location_id') ?? merchant.locations[0]?.id;
    const total = q.get('total');
    const offset = q.get('cursor') === null ? 0 : Number(Buffer.from(q.get('cursor')!, 'base64url').toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0)
      return sendJson(res, 400, squareError('INVALID_REQUEST_ERROR', 'INVALID_CURSOR', 'The cursor is not valid.', 'cursor'));
    const matching = [...this.payments.values()]
      .filter((p) => p.merchantId === merchant.merchantId && p.json.location_id === locationId)
      .filter((p) => {
        const at = Date.parse(String(p.json.created_at));
        return at >= begin && at <= end;
      })
      .filter((p) => total === null || String((p.json.total_money as Money | undefined)?.amount ?? p.json.amount_money.amount) === total)
      .sort((a, b) => Date.parse(String(a.json.created_at)) - Date.parse(String(b.json.created_at)) || a.json.id.localeCompare(b.json.id));
    if (order === 'DESC') matching.reverse();
    const page = matching.slice(offset, offset + Math.min(limit, 100));
    const next = offset + page.length < matching.length ? Buffer.from(String(offset + page.length)).toString('base64url') : undefined;
    sendJson(res, 200, page.length === 0 ? {} : { payments: page.map((p) => structuredClone(p.json)), ...(next ? { cursor: next } : {}) });
  }

  private getPayment(res: ServerResponse, merchant: FakeSquareMerchant, id: string): void {
    const p = this.payments.get(id);
    if (!p || p.merchantId !== merchant.merchantId)
      return sendJson(res, 404, squareError('INVALID_REQUEST_ERROR', 'NOT_FOUND', `Could not find payment with id: ${id}`));
    sendJson(res, 200, { payment: p.json });
  }

  private cancelPayment(res: ServerResponse, merchant: FakeSquareMerchant, id: string): void {
    const p = this.payments.get(id);
    if (!p || p.merchantId !== merchant.merchantId)
      return sendJson(res, 404, squareError('INVALID_REQUEST_ERROR', 'NOT_FOUND', `Could not find payment with id: ${id}`));
    if (p.json.status !== 'APPROVED') {
      return sendJson(
        res,
        400,
        squareError('INVALID_REQUEST_ERROR', 'BAD_REQUEST', `Payment ${id} is ${p.json.status} and cannot be canceled.`),
      );
    }
    p.json.status = 'CANCELED';
    p.json.updated_at = new Date().toISOString();
    sendJson(res, 200, { payment: p.json });
    void this.notify(merchant, 'payment.updated', 'payment', id, { payment: structuredClone(p.json) });
  }

  private createRefund(merchant: FakeSquareMerchant, body: Json): { status: number; body: unknown; after?: () => void } {
    const paymentId = body.payment_id;
    const money = readMoney(body.amount_money);
    if (typeof paymentId !== 'string')
      return { status: 400, body: squareError('INVALID_REQUEST_ERROR', 'MISSING_REQUIRED_PARAMETER', 'Field must be set', 'payment_id') };
    if (!money)
      return { status: 400, body: squareError('INVALID_REQUEST_ERROR', 'MISSING_REQUIRED_PARAMETER', 'Field must be set', 'amount_money') };
    const p = this.payments.get(paymentId);
    if (!p || p.merchantId !== merchant.merchantId)
      return { status: 404, body: squareError('INVALID_REQUEST_ERROR', 'NOT_FOUND', `Could not find payment with id: ${paymentId}`) };
    if (p.json.status !== 'COMPLETED') {
      return {
        status: 400,
        body: squareError('INVALID_REQUEST_ERROR', 'BAD_REQUEST', `Payment ${paymentId} is ${p.json.status} and cannot be refunded.`),
      };
    }
    if (money.currency !== p.json.amount_money.currency) {
      return {
        status: 400,
        body: squareError(
          'INVALID_REQUEST_ERROR',
          'CURRENCY_MISMATCH',
          'The refund currency does not match the payment currency.',
          'amount_money.currency',
        ),
      };
    }
    // Square counts refunds that are PENDING or COMPLETED against what is left to refund.
    const taken = [...this.refunds.values()]
      .filter((r) => r.json.payment_id === paymentId && (r.json.status === 'PENDING' || r.json.status === 'COMPLETED'))
      .reduce((s, r) => s + r.json.amount_money.amount, 0);
    if (money.amount <= 0 || taken + money.amount > p.json.amount_money.amount) {
      return {
        status: 400,
        body: squareError(
          'INVALID_REQUEST_ERROR',
          'REFUND_AMOUNT_INVALID',
          'The requested refund amount exceeds the amount available to refund.',
          'amount_money.amount',
        ),
      };
    }
    const now = new Date().toISOString();
    const refund: FakeSquareRefund['json'] = {
      id: `${paymentId}_${randomId(40)}`,
      status: 'PENDING',
      location_id: p.json.location_id,
      amount_money: money,
      payment_id: paymentId,
      order_id: p.json.order_id,
      ...(typeof body.reason === 'string' ? { reason: body.reason } : {}),
      destination_type: 'WALLET',
      created_at: now,
      updated_at: now,
    };
    this.refunds.set(refund.id, { merchantId: merchant.merchantId, json: refund });
    p.json.refund_ids = [...(p.json.refund_ids ?? []), refund.id];
    p.json.refunded_money = { amount: (p.json.refunded_money?.amount ?? 0) + money.amount, currency: money.currency };
    p.json.updated_at = now;
    return {
      status: 200,
      body: { refund: structuredClone(refund) },
      after: () => {
        void this.notify(merchant, 'refund.created', 'refund', refund.id, { refund: structuredClone(refund) });
        void this.notify(merchant, 'payment.updated', 'payment', paymentId, { payment: structuredClone(p.json) });
        if (this.autoCompleteRefunds) setImmediate(() => void this.finishRefund(refund.id, 'COMPLETED'));
      },
    };
  }

  private getRefund(res: ServerResponse, merchant: FakeSquareMerchant, id: string): void {
    const r = this.refunds.get(id);
    if (!r || r.merchantId !== merchant.merchantId)
      return sendJson(res, 404, squareError('INVALID_REQUEST_ERROR', 'NOT_FOUND', `Could not find refund with id: ${id}`));
    sendJson(res, 200, { refund: r.json });
  }

  private async finishRefund(refundId: string, status: 'COMPLETED' | 'FAILED'): Promise<void> {
    const r = this.refunds.get(refundId);
    if (!r || r.json.status !== 'PENDING') return;
    r.json.status = status;
    r.json.updated_at = new Date().toISOString();
    const merchant = this.merchants.find((m) => m.merchantId === r.merchantId)!;
    if (status === 'FAILED') {
      const p = this.payments.get(r.json.payment_id);
      if (p?.json.refunded_money) p.json.refunded_money.amount -= r.json.amount_money.amount;
    }
    await this.notify(merchant, 'refund.updated', 'refund', refundId, { refund: structuredClone(r.json) });
  }

  /**
   * Square's notification body and signature, base64(HMAC-SHA256(signature key, notification URL + body)): one
   * event (one event_id), sent to the merchant's `webhook` and to each of its subscriptions listing `type`.
   */
  private async notify(merchant: FakeSquareMerchant, type: string, dataType: string, id: string, object: Json): Promise<void> {
    const targets = [
      ...(merchant.webhook ? [merchant.webhook] : []),
      ...subscriptionsFor(merchant, type).map((s) => ({ notificationUrl: s.notification_url, signatureKey: s.signature_key })),
    ];
    if (targets.length === 0) return;
    const body = JSON.stringify({
      merchant_id: merchant.merchantId,
      type,
      event_id: randomUUID(),
      created_at: new Date().toISOString(),
      data: { type: dataType, id, object },
    });
    await Promise.all(
      targets.map(({ notificationUrl, signatureKey }) => {
        const signature = createHmac('sha256', signatureKey)
          .update(notificationUrl + body)
          .digest('base64');
        return this.outbox.send(notificationUrl, body, {
          'x-square-hmacsha256-signature': signature,
          'square-version': SQUARE_VERSION,
          'square-initial-delivery-timestamp': new Date().toISOString(),
          'square-retry-number': '0',
        });
      }),
    );
  }
}

function readMoney(v: unknown): Money | null {
  if (!v || typeof v !== 'object') return null;
  const { amount, currency } = v as { amount?: unknown; currency?: unknown };
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || typeof currency !== 'string') return null;
  return { amount, currency };
}

// Run on its own: `node --import tsx src/dev/fakes/fake-square.ts`. Env: FAKE_SQUARE_PORT, and for the one
// merchant FAKE_SQUARE_ACCESS_TOKEN, FAKE_SQUARE_LOCATION_ID, FAKE_SQUARE_NOTIFICATION_URL,
// FAKE_SQUARE_SIGNATURE_KEY. Prints {"url": ..., "sdkUrl": ...}.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = process.env;
  const fake = new FakeSquare({
    merchants: [
      {
        merchantId: 'MLFAKE0MERCHANT',
        accessToken: env.FAKE_SQUARE_ACCESS_TOKEN ?? 'EAAAl-fake-square-sandbox-token',
        applicationId: env.FAKE_SQUARE_APPLICATION_ID ?? 'sandbox-sq0idb-fake-application',
        locations: [{ id: env.FAKE_SQUARE_LOCATION_ID ?? 'LFAKE0LOCATION', name: 'Demo Shop' }],
        ...(env.FAKE_SQUARE_NOTIFICATION_URL && env.FAKE_SQUARE_SIGNATURE_KEY
          ? { webhook: { notificationUrl: env.FAKE_SQUARE_NOTIFICATION_URL, signatureKey: env.FAKE_SQUARE_SIGNATURE_KEY } }
          : {}),
      },
    ],
  });
  await fake.start(Number(env.FAKE_SQUARE_PORT ?? 0));
  console.log(JSON.stringify({ url: fake.url, sdkUrl: fake.sdkUrl }));
  const stop = () => void fake.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** The demo shop's Square sandbox account in development (the fake's only merchant). Not secrets: a fake's. */
export const DEV_SQUARE_ACCOUNT = {
  merchantId: 'MLDEVMERCHANT',
  accessToken: 'EAAAl-dev-fake-square-token',
  applicationId: 'sandbox-sq0idb-dev-fake-app',
  locationId: 'LDEVLOCATION',
  signatureKey: 'dev-fake-square-signature-key',
} as const;

/** Development: a fake Square with the demo merchant (its notification URL is set once the connection exists). */
export async function startDevSquare(): Promise<FakeSquare> {
  return new FakeSquare({
    merchants: [
      {
        merchantId: DEV_SQUARE_ACCOUNT.merchantId,
        accessToken: DEV_SQUARE_ACCOUNT.accessToken,
        applicationId: DEV_SQUARE_ACCOUNT.applicationId,
        locations: [{ id: DEV_SQUARE_ACCOUNT.locationId, name: 'Demo Shop', country: 'US', currency: 'USD' }],
      },
    ],
  }).start();
}
