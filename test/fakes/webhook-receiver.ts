// A shop's webhook receiver on 127.0.0.1: records every request and verifies its signature with the
// Standard Webhooks reference library (standardwebhooks), not with our own signing code. Answers with the
// queued statuses in order (then 200).
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
  secret?: string;

  /** The next answers, in order (e.g. 500 then 200). */
  answerWith(...answers: (number | { status: number; body?: string })[]): void {
    this.answers.push(...answers.map((a) => (typeof a === 'number' ? { status: a } : a)));
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
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
        const answer = this.answers.shift() ?? { status: 200, body: 'ok' };
        this.received.push({ headers, body, verified, verifyError, answered: answer.status });
        res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body ?? `status ${answer.status}`);
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
