// One log line per request: request id, method, path, status, duration. Secrets are redacted by the logger,
// and the path is scrubbed (an invoice link's token is a bearer credential).
// The request id is ours unless the caller is a proxy we trust (TRUST_PROXY): anyone else could plant ids
// to confuse the log or to make two requests look like one.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { pinoHttp } from 'pino-http';
import { scrubText, type Logger } from '../../platform/logger.js';

export function requestLogging(logger: Logger, opts: { trustedCaller: (req: IncomingMessage) => boolean }) {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const usable = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) && opts.trustedCaller(req);
      const id = usable ? incoming : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    customSuccessMessage: (req, res, ms) =>
      `${req.method} ${scrubText((req.url ?? '').split('?')[0]!)} ${res.statusCode} ${Math.round(ms)}ms`,
    customErrorMessage: (req, res) => `${req.method} ${scrubText((req.url ?? '').split('?')[0]!)} ${res.statusCode}`,
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        path: scrubText(req.url.split('?')[0]!),
      }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
    autoLogging: { ignore: (req) => req.url === '/healthz' },
  });
}
