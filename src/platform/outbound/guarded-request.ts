// One HTTP request to a URL a shop chose (node:http / node:https), under the outbound rule: refused before
// connecting when the policy forbids the target, the name checked again at connection (guarded-lookup.ts),
// no redirect followed (a 3xx is answered as it is, for the caller to treat as a failure), a time limit for
// the whole exchange, and at most `maxBytes` of the answer read.
import http from 'node:http';
import https from 'node:https';
import type { OutboundPolicy, ResolveHost } from './outbound-url.js';
import { guardedLookup, PrivateTargetError, refusedBeforeConnect } from './guarded-lookup.js';

/** The outbound rule refused the call; nothing was sent. */
export class OutboundRefusedError extends Error {}

export interface GuardedRequest {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  policy: OutboundPolicy;
  resolveHost?: ResolveHost;
  maxBytes: number;
}

export function guardedRequest(r: GuardedRequest): Promise<{ status: number; text: string }> {
  const refused = refusedBeforeConnect(r.url, r.policy);
  if (refused) return Promise.reject(new OutboundRefusedError(refused));
  return new Promise((resolve, reject) => {
    const client = r.url.protocol === 'https:' ? https : http;
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(err instanceof PrivateTargetError ? new OutboundRefusedError(err.message) : err);
    };
    const req = client.request(
      r.url,
      {
        method: r.method,
        headers: { ...r.headers, ...(r.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(r.body)) }) },
        ...(r.policy.production ? { lookup: guardedLookup(r.resolveHost) } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > r.maxBytes) return fail(new Error(`the answer is larger than ${r.maxBytes} bytes`));
          chunks.push(chunk);
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', fail);
      },
    );
    const timer = setTimeout(() => fail(new Error(`no answer within ${r.timeoutMs} ms`)), r.timeoutMs);
    req.on('error', fail);
    req.end(r.body);
  });
}
