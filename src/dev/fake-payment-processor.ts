// A local stand-in for the hosted-checkout payment processor (wire format in
// src/modules/payments-processor/hosted-checkout.adapter.ts). Used by the tests and the development server:
// it creates checkouts, serves a checkout page with Pay / Cancel buttons, and on Pay posts a signed
// `checkout.completed` webhook to our server before sending the browser back to success_url. It signs on its
// own (not with our verifier's code), so a mistake in our signature check cannot hide behind shared code.
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

export class FakePaymentProcessor {
  readonly checkouts = new Map<string, FakeCheckout>();
  readonly deliveries: WebhookDelivery[] = [];
  /** Authorization headers seen on POST /v1/checkouts. */
  readonly authHeaders: (string | undefined)[] = [];
  private server: Server | undefined;
  private failNext = 0;
  url = '';

  constructor(private readonly opts: { webhookSecret: string; webhookUrl?: string; apiKey?: string }) {}

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
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
    this.server = undefined;
  }

  /** The next `times` checkout creations answer 503. */
  failCheckouts(times = 1): void {
    this.failNext = times;
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
}
