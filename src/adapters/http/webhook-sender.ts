// POSTs one webhook attempt (node:http / node:https, no redirects followed) and reports what came back.
// With blockPrivate, every address the name resolves to is checked when the connection is made (the
// `lookup` hook of platform/outbound/guarded-lookup.ts), so a name re-pointed at an internal address after it
// was saved is refused (DNS rebinding).
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { WebhookSendResult, WebhookSender } from '../../modules/webhooks/webhook-sender.port.js';
import { guardedLookup, PrivateTargetError, refusedBeforeConnect } from '../../platform/outbound/guarded-lookup.js';
import type { ResolveHost } from '../../platform/outbound/outbound-url.js';

export const EXCERPT_CHARS = 1000;
/** Read no more than this of an answer (the excerpt needs far less). */
const MAX_READ_BYTES = 64 * 1024;

/**
 * The first EXCERPT_CHARS characters of an answer, as text the attempt's log can hold: a NUL (which PostgreSQL's text
 * cannot) as U+FFFD, and never half of a surrogate pair where the excerpt ends (which cannot be written). Either made
 * the attempt's write fail: a delivery the endpoint had taken was neither marked delivered nor logged, and sent again.
 */
export function responseExcerpt(answer: Buffer): string {
  const text = answer.toString('utf8').slice(0, EXCERPT_CHARS).replaceAll('\u0000', '\uFFFD');
  return /[\uD800-\uDBFF]$/.test(text) ? text.slice(0, -1) : text;
}

export function createWebhookSender(opts: {
  timeoutMs: number;
  blockPrivate: boolean;
  userAgent?: string;
  /** The resolver the connect-time check uses (default: the system's). */
  resolveHost?: ResolveHost;
}): WebhookSender {
  const policy = { production: opts.blockPrivate };
  const lookup = guardedLookup(opts.resolveHost);
  return ({ url, headers, body }) =>
    new Promise((resolve) => {
      const started = performance.now();
      const target = new URL(url);
      const elapsed = () => Math.round(performance.now() - started);
      const refused = refusedBeforeConnect(target, policy);
      if (refused) {
        resolve({ error: `refused: ${refused}`, durationMs: 0 });
        return;
      }
      const client = target.protocol === 'https:' ? https : http;
      let settled = false;
      const finish = (r: Omit<WebhookSendResult, 'durationMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...r, durationMs: elapsed() });
      };
      const req = client.request(
        target,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': opts.userAgent ?? 'Ledgerline-Webhooks/1',
            ...headers,
          },
          ...(opts.blockPrivate ? { lookup } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            if (size < MAX_READ_BYTES) chunks.push(chunk);
            size += chunk.length;
            if (size >= MAX_READ_BYTES) res.destroy();
          });
          const done = () => finish({ statusCode: res.statusCode, responseExcerpt: responseExcerpt(Buffer.concat(chunks)) });
          res.on('end', done);
          res.on('close', done);
          res.on('error', done);
        },
      );
      // The whole attempt (connect, send, answer) within timeoutMs.
      const timer = setTimeout(() => {
        finish({ error: `no answer within ${opts.timeoutMs} ms` });
        req.destroy();
      }, opts.timeoutMs);
      req.on('error', (err) =>
        finish({
          error:
            err instanceof PrivateTargetError
              ? `refused: ${err.message}`
              : `${(err as NodeJS.ErrnoException).code ?? 'ERROR'}: ${err.message}`,
        }),
      );
      req.end(body);
    });
}
