// A local stand-in for the hosted-checkout payment processor (wire format in
// src/modules/payments-processor/hosted-checkout.adapter.ts). Used by the tests and the development server:
// it creates checkouts, serves a checkout page with Pay / Cancel buttons, and on Pay posts a signed
// `checkout.completed` webhook to our server before sending the browser back to success_url. It signs on its
// own (not with our verifier's code), so a mistake in our signature check cannot hide behind shared code.
// It also takes refunds (POST /v1/refunds) the way a real processor does: never more than a checkout's paid
// total in all, idempotent on idempotency_key, and failing on demand (failRefunds: 5xx, timeout, rejection).
// The development server starts one in-process when no processor is configured (startDevPaymentProcessor).
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCheckout {
  id: string;
  amount_cents: number;
  currency: string;
  method: string;
  reference: string;
  success_url: string;
  cancel_url: string;
  status: 'open' | 'completed' | 'cancelled';
}

export interface WebhookDelivery { body: string; status: number; responseBody: string }

export interface FakeRefund {
  id: string;
  checkout_id: string;
  amount_cents: number;
  currency: string;
  reason: string;
  idempotency_key: string;
  status: 'succeeded';
}

/**
 * '5xx': answers 503 and refunds nothing. 'timeout': refunds, then holds the answer past any client timeout
 * (the answer is lost; a retry with the same key gets this refund back). 'reject': answers 422 "refund
 * rejected" and refunds nothing.
 */
export type RefundFailure = '5xx' | 'timeout' | 'reject';

/** Every POST /v1/refunds as received, with the status answered (0 while a 'timeout' answer is held). */
export interface RefundRequestLog { body: Record<string, unknown>; status: number }

export class FakePaymentProcessor {
  readonly checkouts = new Map<string, FakeCheckout>();
  readonly deliveries: WebhookDelivery[] = [];
  /** Authorization headers seen on POST /v1/checkouts. */
  readonly authHeaders: (string | undefined)[] = [];
  /** Refunds made, by the processor's refund id. */
  readonly refunds = new Map<string, FakeRefund>();
  readonly refundRequests: RefundRequestLog[] = [];
  private server: Server | undefined;
  private failNext = 0;
  private readonly refundFailures: RefundFailure[] = [];
  private readonly held = new Set<NodeJS.Timeout>();
  url = '';

  /** `holdMs`: how long a 'timeout' failure holds its answer (default 30 s, above the adapter's 8 s). */
  constructor(private readonly opts: { webhookSecret: string; webhookUrl?: string; apiKey?: string; holdMs?: number }) {}

  /** Where webhooks go (our server's /api/webhooks/payments); settable once the app listens. */
  set webhookUrl(url: string) {
    this.opts.webhookUrl = url;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res).catch((err) => this.send(res, 500, { error: String(err) })));
    await new Promise<void>((r) => this.server!.listen(port, host, r));
    this.url = `http://${host}:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const timer of this.held) clearTimeout(timer);
    this.held.clear();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
    this.server = undefined;
  }

  /** The next `times` checkout creations answer 503. */
  failCheckouts(times = 1): void {
    this.failNext = times;
  }

  /** The next refund requests fail in these ways, in order (one each). */
  failRefunds(...failures: RefundFailure[]): void {
    this.refundFailures.push(...failures);
  }

  /** Total refunded on a checkout. */
  refundedCents(checkoutId: string): number {
    let total = 0;
    for (const r of this.refunds.values()) if (r.checkout_id === checkoutId) total += r.amount_cents;
    return total;
  }

  /** The `checkout.completed` body for a checkout (optionally altered), exactly as the webhook sends it. */
  completedEventBody(id: string, overrides: Partial<{ amount_cents: number; currency: string; reference: string }> = {}): string {
    const c = this.checkouts.get(id);
    if (!c) throw new Error(`no checkout ${id}`);
    return JSON.stringify({ type: 'checkout.completed', data: { id: c.id, reference: c.reference, amount_cents: c.amount_cents, currency: c.currency, ...overrides } });
  }

  signature(body: string): string {
    return `sha256=${createHmac('sha256', this.opts.webhookSecret).update(body).digest('hex')}`;
  }

  /** Marks the checkout paid and delivers the signed webhook (what the Pay button does). */
  async complete(id: string): Promise<WebhookDelivery> {
    const c = this.checkouts.get(id);
    if (!c) throw new Error(`no checkout ${id}`);
    c.status = 'completed';
    return this.deliver(this.completedEventBody(id));
  }

  /** Posts `body` to the webhook URL, signed with the webhook secret (or `signature` when given). */
  async deliver(body: string, signature = this.signature(body)): Promise<WebhookDelivery> {
    if (!this.opts.webhookUrl) throw new Error('FakePaymentProcessor: webhookUrl is not set');
    const res = await fetch(this.opts.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-processor-signature': signature }, body });
    const delivery = { body, status: res.status, responseBody: await res.text() };
    this.deliveries.push(delivery);
    return delivery;
  }

  private send(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}) {
    if (res.headersSent) return;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(payload));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    let m: RegExpMatchArray | null;

    if (method === 'POST' && url.pathname === '/v1/checkouts') {
      this.authHeaders.push(req.headers.authorization);
      if (this.opts.apiKey && req.headers.authorization !== `Bearer ${this.opts.apiKey}`) return this.send(res, 401, { error: 'invalid api key' });
      if (this.failNext > 0) {
        this.failNext -= 1;
        return this.send(res, 503, { error: 'temporarily unavailable' });
      }
      let body: Partial<FakeCheckout>;
      try {
        body = JSON.parse(raw) as Partial<FakeCheckout>;
      } catch {
        return this.send(res, 400, { error: 'invalid json' });
      }
      const ok = Number.isInteger(body.amount_cents) && typeof body.currency === 'string' && typeof body.method === 'string'
        && typeof body.reference === 'string' && typeof body.success_url === 'string' && typeof body.cancel_url === 'string';
      if (!ok) return this.send(res, 400, { error: 'amount_cents, currency, method, reference, success_url and cancel_url are required' });
      const id = `chk_${randomBytes(8).toString('hex')}`;
      this.checkouts.set(id, { ...(body as FakeCheckout), id, status: 'open' });
      return this.send(res, 201, { id, url: `${this.url}/checkout/${id}` });
    }
    if (method === 'POST' && url.pathname === '/v1/refunds') {
      if (this.opts.apiKey && req.headers.authorization !== `Bearer ${this.opts.apiKey}`) return this.send(res, 401, { error: 'invalid api key' });
      return this.handleRefund(raw, res);
    }
    if ((m = url.pathname.match(/^\/checkout\/(chk_[0-9a-f]+)$/)) && method === 'GET') {
      const c = this.checkouts.get(m[1]!);
      if (!c) return this.send(res, 404, { error: 'no such checkout' });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Fake checkout</title></head>
<body style="font-family:sans-serif;padding:1rem"><h1>Fake processor checkout</h1>
<p id="amount">${(c.amount_cents / 100).toFixed(2)} ${c.currency} via ${c.method}</p>
<form method="post" action="/checkout/${c.id}/pay"><button id="pay" type="submit">Pay now</button></form>
<form method="post" action="/checkout/${c.id}/cancel"><button id="cancel" type="submit">Cancel</button></form></body></html>`);
      return;
    }
    if ((m = url.pathname.match(/^\/checkout\/(chk_[0-9a-f]+)\/(pay|cancel)$/)) && method === 'POST') {
      const c = this.checkouts.get(m[1]!);
      if (!c) return this.send(res, 404, { error: 'no such checkout' });
      if (m[2] === 'cancel') {
        c.status = 'cancelled';
        res.writeHead(303, { location: c.cancel_url });
        return void res.end();
      }
      // Deliver before redirecting, so the page the customer lands on already shows the order paid.
      await this.complete(c.id);
      res.writeHead(303, { location: c.success_url });
      return void res.end();
    }
    return this.send(res, 404, { error: 'not found' });
  }

  private handleRefund(raw: string, res: ServerResponse): void {
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!parsed || typeof parsed !== 'object') throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return this.send(res, 400, { error: 'invalid json' });
    }
    const log: RefundRequestLog = { body, status: 0 };
    this.refundRequests.push(log);
    const answer = (status: number, payload: unknown) => {
      log.status = status;
      this.send(res, status, payload);
    };
    const { checkout_id: checkoutId, amount_cents: amount, currency, reason, idempotency_key: key } = body;
    const ok = typeof checkoutId === 'string' && Number.isInteger(amount) && (amount as number) > 0 && typeof currency === 'string'
      && typeof key === 'string' && key.length > 0 && (reason === undefined || typeof reason === 'string');
    if (!ok) return answer(400, { error: 'checkout_id, a positive integer amount_cents, currency and idempotency_key are required' });

    const failure = this.refundFailures.shift();
    if (failure === '5xx') return answer(503, { error: 'temporarily unavailable' });
    if (failure === 'reject') return answer(422, { error: 'refund rejected: the payment method cannot be refunded' });

    const seen = [...this.refunds.values()].find((r) => r.idempotency_key === key);
    let refund: FakeRefund;
    let status = 201;
    if (seen) {
      if (seen.checkout_id !== checkoutId || seen.amount_cents !== amount || seen.currency !== currency) {
        return answer(409, { error: 'refund rejected: idempotency_key was already used with other values' });
      }
      refund = seen;
      status = 200;
    } else {
      const checkout = this.checkouts.get(checkoutId);
      if (!checkout) return answer(404, { error: 'refund rejected: no such checkout' });
      if (checkout.status !== 'completed') return answer(409, { error: 'refund rejected: the checkout was not paid' });
      if (currency.toUpperCase() !== checkout.currency.toUpperCase()) return answer(422, { error: `refund rejected: currency ${currency} differs from the checkout's ${checkout.currency}` });
      const left = checkout.amount_cents - this.refundedCents(checkout.id);
      if ((amount as number) > left) return answer(422, { error: `refund rejected: ${amount} cents is more than the ${left} cents left to refund on this checkout` });
      refund = { id: `re_${randomBytes(8).toString('hex')}`, checkout_id: checkout.id, amount_cents: amount as number, currency, reason: reason ?? '', idempotency_key: key, status: 'succeeded' };
      this.refunds.set(refund.id, refund);
    }
    const payload = { id: refund.id, status: refund.status };
    if (failure === 'timeout') {
      // The refund is made; its answer arrives only after the client gave up.
      const timer = setTimeout(() => {
        this.held.delete(timer);
        answer(status, payload);
      }, this.opts.holdMs ?? 30_000);
      this.held.add(timer);
      return;
    }
    return answer(status, payload);
  }
}

/**
 * The development server's stand-in processor: NODE_ENV is not production and PAYMENT_PROCESSOR_API_URL is
 * unset. Returns the fake (started on a free local port, with a fresh webhook secret) and the env values
 * that point the processor adapter at it; the caller sets `webhookUrl` once our server listens.
 */
export function devPaymentProcessorWanted(env: { NODE_ENV: string; PAYMENT_PROCESSOR_API_URL?: string }): boolean {
  return env.NODE_ENV !== 'production' && !env.PAYMENT_PROCESSOR_API_URL;
}

export async function startDevPaymentProcessor(): Promise<{ fake: FakePaymentProcessor; apiUrl: string; webhookSecret: string }> {
  const webhookSecret = randomBytes(24).toString('base64url');
  const fake = await new FakePaymentProcessor({ webhookSecret }).start(0, '127.0.0.1');
  return { fake, apiUrl: fake.url, webhookSecret };
}
