// A shop's webhook receiver on 127.0.0.1: records every request and verifies its signature with the
// Standard Webhooks reference library (standardwebhooks), not with our own signing code. Answers with the
// queued statuses in order (then 200). Held (hold), it answers nothing until released: a slow endpoint.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  /** Parsed by the reference library: undefined when the signature did not verify. */
  verified: unknown;
  verifyError?: string;
  answered: number;
}

export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private server?: Server;
  private readonly answers: { status: number; body?: string }[] = [];
  private answerAfterQueue?: { status: number; body?: string };
  private holding = false;
  private readonly held: (() => void)[] = [];
  private open = 0;
  /** The most requests it had not answered yet at one time. */
  mostOpenAtOnce = 0;
  secret?: string;

  /** From now on it answers nothing until release(): each request waits, connected, as on a slow server. */
  hold(): void {
    this.holding = true;
  }

  /** Answers the requests it holds, and the next ones at once. */
  release(): void {
    this.holding = false;
    for (const answer of this.held.splice(0)) answer();
  }

  /** The requests it holds now, unanswered. */
  get waiting(): number {
    return this.held.length;
  }

  /** The next answers, in order (e.g. 500 then 200). */
  answerWith(...answers: (number | { status: number; body?: string })[]): void {
    this.answers.push(...answers.map((a) => (typeof a === 'number' ? { status: a } : a)));
  }

  /** Once the queued answers are used up, every request gets this one (not 200) until called again without one. */
  answerAllWith(answer?: { status: number; body?: string }): void {
    this.answerAfterQueue = answer;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.mostOpenAtOnce = Math.max(this.mostOpenAtOnce, ++this.open);
      res.on('close', () => this.open--);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        let verified: unknown;
        let verifyError: string | undefined;
        try {
          verified = new Webhook(this.secret ?? 'whsec_').verify(body, headers);
        } catch (err) {
          verifyError = (err as Error).message;
        }
        const answer = () => {
          const a = this.answers.shift() ?? this.answerAfterQueue ?? { status: 200, body: 'ok' };
          this.received.push({ headers, body, verified, verifyError, answered: a.status });
          res.writeHead(a.status, { 'content-type': 'text/plain' }).end(a.body ?? `status ${a.status}`);
        };
        if (this.holding) this.held.push(answer);
        else answer();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hooks/ledgerline`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
