// Receives a fake provider's webhooks over real HTTP and keeps the exact bytes and headers, so a test hands
// the adapter what our server would receive.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookRequest } from '../../../../src/modules/payments-processor/providers/provider.port.js';

export interface ReceivedWebhook {
  rawBody: Buffer;
  headers: Record<string, string | undefined>;
  json: Record<string, unknown>;
}

export class WebhookSink {
  readonly received: ReceivedWebhook[] = [];
  /** The status the sink answers (a provider retries on non-2xx). */
  status = 200;
  url = '';
  private server: Server | undefined;

  async start(path = '/webhooks/provider'): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks);
        const headers: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
        this.received.push({ rawBody, headers, json: JSON.parse(rawBody.toString('utf8')) as Record<string, unknown> });
        res.writeHead(this.status).end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  ofType(type: string): ReceivedWebhook[] {
    return this.received.filter((w) => w.json.type === type);
  }

  asRequest(w: ReceivedWebhook, notificationUrl = this.url): WebhookRequest {
    return { rawBody: w.rawBody, headers: { ...w.headers }, notificationUrl };
  }
}
