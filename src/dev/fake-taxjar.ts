// A local stand-in for TaxJar's API (v2) that speaks its JSON: POST /v2/taxes, POST /v2/addresses/validate
// and the transaction endpoints (POST/PUT/DELETE/GET /v2/transactions/orders[/:id] and .../refunds[/:id]),
// Bearer auth, TaxJar's error body ({ error, detail, status }). Transactions are kept per API token the way
// TaxJar keeps them per account: a second create with one transaction_id is 422, an update or delete of an
// unknown one 404, a missing required field 400; answers echo the transaction with amounts as decimal
// strings, as TaxJar does. Used by the tests, the order benchmark and development. The rate, a delay and
// failures are configurable.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

export interface FakeTaxjarAddress {
  street?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: string;
}

export interface FakeTaxjarCall {
  method: string;
  path: string;
  body: Record<string, unknown>;
  authorization: string | undefined;
}

export interface FakeTaxjarOptions {
  /** Combined rate applied to the taxable amount (default 0.0825). */
  rate?: number;
  /** Whether shipping is taxable (TaxJar's freight_taxable; default true). */
  freightTaxable?: boolean;
  /** Product tax codes the fake taxes at 0 (e.g. ['31000'] for a state that exempts digital goods). */
  exemptTaxCodes?: string[];
  /** Accepted API keys; empty: any non-empty Bearer token is accepted. */
  apiKeys?: string[];
  /** Delay before every answer, in ms. */
  delayMs?: number;
  /** Keep every call in `calls` (default true; off for a long-running process). */
  recordCalls?: boolean;
  /**
   * What /v2/addresses/validate answers for an address: the corrected address, null for 404 (not found),
   * or undefined to echo the input (a match). Default: echo.
   */
  suggest?: (input: FakeTaxjarAddress) => FakeTaxjarAddress | null | undefined;
}

interface FailureRule {
  path: RegExp;
  status: number;
  times: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** A stored transaction: the body as TaxJar received it (numbers as sent), per API token. */
export interface FakeTaxjarTransaction {
  kind: 'order' | 'refund';
  token: string;
  body: Record<string, unknown>;
}

const REQUIRED_FIELDS = ['transaction_id', 'transaction_date', 'to_country', 'to_zip', 'amount', 'shipping', 'sales_tax'];
const MONEY_FIELDS = ['amount', 'shipping', 'sales_tax'];
const LINE_MONEY_FIELDS = ['unit_price', 'discount', 'sales_tax'];

export class FakeTaxjar {
  readonly calls: FakeTaxjarCall[] = [];
  /** Transactions as filed, by `${kind}:${token}:${transaction_id}`. Deleted ones are removed. */
  readonly transactions = new Map<string, FakeTaxjarTransaction>();
  rate: number;
  freightTaxable: boolean;
  delayMs: number;
  /** While set, every answer waits for it (after `delayMs`): a test holds the caller mid-call, deterministically. */
  hold: Promise<void> | undefined;
  apiKeys: string[];
  exemptTaxCodes: string[];
  suggest: FakeTaxjarOptions['suggest'];
  private readonly recordCalls: boolean;
  private failures: FailureRule[] = [];
  private server: Server | undefined;
  private readonly delays = new Set<NodeJS.Timeout>();
  url = '';

  constructor(opts: FakeTaxjarOptions = {}) {
    this.rate = opts.rate ?? 0.0825;
    this.freightTaxable = opts.freightTaxable ?? true;
    this.delayMs = opts.delayMs ?? 0;
    this.apiKeys = opts.apiKeys ?? [];
    this.exemptTaxCodes = opts.exemptTaxCodes ?? [];
    this.suggest = opts.suggest;
    this.recordCalls = opts.recordCalls ?? true;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5_000;
    await new Promise<void>((r) => this.server!.listen(port, host, r));
    this.url = `http://${host}:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const t of this.delays) clearTimeout(t);
    this.delays.clear();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
    this.server = undefined;
  }

  /**
   * The next `times` calls whose path matches answer `status` with TaxJar's error body (Infinity: until the
   * returned function is called).
   */
  fail(path: RegExp, status: number, times = 1): () => void {
    const failure = { path, status, times };
    this.failures.push(failure);
    return () => {
      failure.times = 0;
    };
  }

  /** The order or refund transaction with this id as TaxJar holds it now (any token), or undefined. */
  transaction(kind: 'order' | 'refund', transactionId: string): Record<string, unknown> | undefined {
    for (const t of this.transactions.values()) if (t.kind === kind && t.body.transaction_id === transactionId) return t.body;
    return undefined;
  }

  reset(): void {
    this.transactions.clear();
    this.calls.length = 0;
    this.failures = [];
    this.delayMs = 0;
    this.hold = undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, unknown> = {};
    try {
      body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      return this.send(res, 400, { error: 'Bad Request', detail: 'The request could not be parsed as JSON', status: 400 });
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const authorization = req.headers.authorization;
    if (this.recordCalls) this.calls.push({ method: req.method ?? 'GET', path, body, authorization });
    if (this.delayMs > 0) {
      await new Promise<void>((r) => {
        const t = setTimeout(() => {
          this.delays.delete(t);
          r();
        }, this.delayMs);
        this.delays.add(t);
      });
    }
    if (this.hold) await this.hold;
    if (res.destroyed) return;

    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (!token || (this.apiKeys.length > 0 && !this.apiKeys.includes(token))) {
      return this.send(res, 401, { error: 'Unauthorized', detail: 'Not Authorized: Bearer token is invalid or missing', status: 401 });
    }
    const failure = this.failures.find((f) => f.path.test(path) && f.times > 0);
    if (failure) {
      failure.times -= 1;
      return this.send(res, failure.status, {
        error: failure.status >= 500 ? 'Internal Server Error' : 'Error',
        detail: 'Simulated failure',
        status: failure.status,
      });
    }

    if (req.method === 'POST' && path === '/v2/taxes') return this.send(res, 200, this.tax(body));
    if (req.method === 'POST' && path === '/v2/addresses/validate') return this.validate(res, body);
    const tx = /^\/v2\/transactions\/(orders|refunds)(?:\/([^/]+))?$/.exec(path);
    if (tx)
      return this.transactionRoute(
        res,
        req.method ?? 'GET',
        tx[1] === 'orders' ? 'order' : 'refund',
        tx[2] ? decodeURIComponent(tx[2]) : undefined,
        body,
        token,
      );
    return this.send(res, 404, { error: 'Not Found', detail: 'No such route', status: 404 });
  }

  private tax(body: Record<string, unknown>) {
    const lines = Array.isArray(body.line_items)
      ? (body.line_items as { quantity?: number; unit_price?: number; discount?: number; product_tax_code?: string }[])
      : [];
    const lineAmount = (l: (typeof lines)[number]) => (l.quantity ?? 1) * (l.unit_price ?? 0) - (l.discount ?? 0);
    const itemsAmount = lines.length ? lines.reduce((s, l) => s + lineAmount(l), 0) : Number(body.amount ?? 0);
    const taxableItems = lines.length
      ? lines.filter((l) => !this.exemptTaxCodes.includes(l.product_tax_code ?? '')).reduce((s, l) => s + lineAmount(l), 0)
      : itemsAmount;
    const shipping = Number(body.shipping ?? 0);
    const taxable = round2(Math.max(0, taxableItems) + (this.freightTaxable ? shipping : 0));
    return {
      tax: {
        order_total_amount: round2(itemsAmount + shipping),
        shipping,
        taxable_amount: taxable,
        amount_to_collect: round2(taxable * this.rate),
        rate: this.rate,
        has_nexus: true,
        freight_taxable: this.freightTaxable,
        tax_source: 'destination',
        exemption_type: null,
        jurisdictions: { country: body.to_country, state: body.to_state, city: body.to_city },
      },
    };
  }

  private validate(res: ServerResponse, body: Record<string, unknown>) {
    const input: FakeTaxjarAddress = {
      street: body.street as string | undefined,
      city: body.city as string | undefined,
      state: body.state as string | undefined,
      zip: body.zip as string | undefined,
      country: body.country as string | undefined,
    };
    const answer = this.suggest ? this.suggest(input) : undefined;
    if (answer === null) return this.send(res, 404, { error: 'Not Found', detail: 'Resource can not be found', status: 404 });
    const a = answer ?? input;
    return this.send(res, 200, { addresses: [{ zip: a.zip, street: a.street, state: a.state, country: a.country, city: a.city }] });
  }

  private transactionRoute(
    res: ServerResponse,
    method: string,
    kind: 'order' | 'refund',
    id: string | undefined,
    body: Record<string, unknown>,
    token: string,
  ): void {
    const key = (txId: string) => `${kind}:${token}:${txId}`;
    const notFound = () => this.send(res, 404, { error: 'Not Found', detail: 'Resource can not be found', status: 404 });
    if (method === 'POST' && !id) {
      const required = kind === 'refund' ? [...REQUIRED_FIELDS, 'transaction_reference_id'] : REQUIRED_FIELDS;
      const missing = required.filter((f) => body[f] === undefined || body[f] === null || body[f] === '');
      if (body.to_country === 'US' && !body.to_state) missing.push('to_state');
      if (missing.length)
        return this.send(res, 400, {
          error: 'Bad Request',
          detail: `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing`,
          status: 400,
        });
      const bad = this.badNumbers(body);
      if (bad) return this.send(res, 400, { error: 'Bad Request', detail: `${bad} must be a number`, status: 400 });
      const txId = String(body.transaction_id);
      if (this.transactions.has(key(txId))) {
        return this.send(res, 422, {
          error: 'Unprocessable Entity',
          detail: 'Provider tranx already imported for your user account',
          status: 422,
        });
      }
      this.transactions.set(key(txId), { kind, token, body });
      return this.send(res, 201, { [kind]: this.present(body) });
    }
    if (!id)
      return method === 'GET'
        ? this.send(res, 200, {
            [`${kind}s`]: [...this.transactions.values()]
              .filter((t) => t.kind === kind && t.token === token)
              .map((t) => String(t.body.transaction_id)),
          })
        : notFound();
    const stored = this.transactions.get(key(id));
    if (!stored) return notFound();
    if (method === 'GET') return this.send(res, 200, { [kind]: this.present(stored.body) });
    if (method === 'PUT') {
      const bad = this.badNumbers(body);
      if (bad) return this.send(res, 400, { error: 'Bad Request', detail: `${bad} must be a number`, status: 400 });
      stored.body = { ...stored.body, ...body, transaction_id: id };
      return this.send(res, 200, { [kind]: this.present(stored.body) });
    }
    if (method === 'DELETE') {
      this.transactions.delete(key(id));
      // TaxJar answers a delete with the transaction's id and every other field null.
      return this.send(res, 200, {
        [kind]: {
          transaction_id: id,
          user_id: 1,
          transaction_date: null,
          provider: 'api',
          amount: null,
          shipping: null,
          sales_tax: null,
          line_items: [],
        },
      });
    }
    return notFound();
  }

  private badNumbers(body: Record<string, unknown>): string | undefined {
    const bad = MONEY_FIELDS.find((f) => body[f] !== undefined && typeof body[f] !== 'number');
    if (bad) return bad;
    const lines = Array.isArray(body.line_items) ? (body.line_items as Record<string, unknown>[]) : [];
    for (const [i, l] of lines.entries()) {
      const f = LINE_MONEY_FIELDS.find((k) => l[k] !== undefined && typeof l[k] !== 'number');
      if (f) return `line_items[${i}].${f}`;
      if (l.quantity !== undefined && (!Number.isInteger(l.quantity) || (l.quantity as number) < 0)) return `line_items[${i}].quantity`;
    }
    return undefined;
  }

  /** TaxJar's answer shape: money as decimal strings, the provider, dates as ISO timestamps. */
  private present(body: Record<string, unknown>) {
    const str = (v: unknown) => (typeof v === 'number' ? String(v) : (v ?? null));
    const lines = Array.isArray(body.line_items) ? (body.line_items as Record<string, unknown>[]) : [];
    return {
      ...body,
      user_id: 1,
      provider: body.provider ?? 'api',
      exemption_type: body.exemption_type ?? null,
      transaction_date: new Date(String(body.transaction_date)).toISOString(),
      amount: str(body.amount),
      shipping: str(body.shipping),
      sales_tax: str(body.sales_tax),
      line_items: lines.map((l) => ({
        ...l,
        product_tax_code: l.product_tax_code ?? null,
        unit_price: str(l.unit_price),
        discount: str(l.discount ?? 0),
        sales_tax: str(l.sales_tax ?? 0),
      })),
    };
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }
}

// Run on its own (a separate process, as the real TaxJar is): `node --import tsx src/dev/fake-taxjar.ts`.
// Env: FAKE_TAXJAR_PORT (default: a free port), FAKE_TAXJAR_RATE, FAKE_TAXJAR_DELAY_MS. Prints {"url": ...}.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fake = new FakeTaxjar({
    rate: process.env.FAKE_TAXJAR_RATE ? Number(process.env.FAKE_TAXJAR_RATE) : undefined,
    delayMs: process.env.FAKE_TAXJAR_DELAY_MS ? Number(process.env.FAKE_TAXJAR_DELAY_MS) : undefined,
    recordCalls: false,
  });
  await fake.start(Number(process.env.FAKE_TAXJAR_PORT ?? 0));
  console.log(JSON.stringify({ url: fake.url }));
  const stop = () => void fake.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
