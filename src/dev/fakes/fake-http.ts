// Small pieces the provider fakes share: a server that starts on a free port, body reading, answers, ids,
// and an ordered webhook outbox (deliveries go out one at a time, in the order the provider made them, and
// `idle()` lets a test wait for them instead of sleeping).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: Buffer;
}

export type FakeHandler = (req: FakeRequest, res: ServerResponse) => Promise<void> | void;

export class FakeHttpServer {
  private server: Server | undefined;
  url = '';

  constructor(private readonly handler: FakeHandler) {}

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => void this.dispatch(req, res));
    this.server.keepAliveTimeout = 5_000;
    // A port in use (a fixed one, EADDRINUSE) rejects: unhandled, the server's 'error' would end the process.
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => {
        this.server!.off('error', reject);
        resolve();
      });
    });
    this.url = `http://${host}:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
    this.server = undefined;
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const u = new URL(req.url ?? '/', 'http://fake');
    try {
      await this.handler(
        { method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, headers: req.headers, rawBody: Buffer.concat(chunks) },
        res,
      );
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, { error: 'fake failed', detail: err instanceof Error ? err.message : String(err) });
    }
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { location });
  res.end();
}

export function parseJson(raw: Buffer): Record<string, unknown> | null {
  if (raw.length === 0) return {};
  try {
    const v = JSON.parse(raw.toString('utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Ids shaped like the provider's (Square payment ids, BTCPay invoice ids are base58-ish strings). */
export function randomId(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += BASE58[b % BASE58.length];
  return out;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * A provider's answer held back for a test (a fake's holdNext...Answer): the next request is carried out at once
 * but answered only once released; its retries (the same idempotency key) wait with it, other requests are
 * answered as usual.
 */
export class AnswerHold {
  private current?: { answered: Promise<void>; key?: string };

  /** Holds the answer to the next request; the returned function releases it. */
  holdNext(): () => void {
    let release!: () => void;
    this.current = { answered: new Promise<void>((resolve) => (release = resolve)) };
    return () => {
      this.current = undefined;
      release();
    };
  }

  /**
   * What the answer to a request with idempotency key `key` waits for, or undefined: answered at once. The first
   * request after holdNext binds the hold to its key.
   */
  waitFor(key: string): Promise<void> | undefined {
    const hold = this.current;
    if (!hold) return undefined;
    hold.key ??= key;
    return hold.key === key ? hold.answered : undefined;
  }
}

export interface OutboxDelivery {
  url: string;
  body: string;
  headers: Record<string, string>;
  /** HTTP status our server answered, 0 when it could not be reached. */
  status: number;
  /** Set when the delivery was dropped on purpose (a lost webhook). */
  dropped?: boolean;
}

/** Sends webhooks one at a time in creation order. `dropNext(n)` loses the next n (for reconciliation tests). */
export class WebhookOutbox {
  readonly deliveries: OutboxDelivery[] = [];
  private chain: Promise<void> = Promise.resolve();
  private drop = 0;

  dropNext(n = 1): void {
    this.drop += n;
  }

  send(url: string, body: string, headers: Record<string, string>): Promise<OutboxDelivery> {
    const d: OutboxDelivery = { url, body, headers, status: 0 };
    this.deliveries.push(d);
    if (this.drop > 0) {
      this.drop -= 1;
      d.dropped = true;
      return Promise.resolve(d);
    }
    const sent = this.chain.then(async () => {
      try {
        const r = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        d.status = r.status;
        await r.arrayBuffer().catch(() => undefined);
      } catch {
        d.status = 0;
      }
      return d;
    });
    this.chain = sent.then(() => undefined);
    return sent;
  }

  /** Resolves when every delivery queued so far has been answered. */
  idle(): Promise<void> {
    return this.chain;
  }
}
