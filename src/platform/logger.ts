// The one logger (pino). What never reaches a log line: credentials (REDACT_PATHS), bearer links and
// tokens inside strings (invoice links, Discord interaction/webhook tokens, URL passwords: scrubText), customers'
// addresses and names (also inside the bodies outside services were sent: requestBody), email addresses; and no
// error may flood the log (a Prisma error carries its whole query: ~69 KB): every string in a logged error is cut
// to a bounded size.
import { pino, stdSerializers, type Bindings, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { createRequire } from 'node:module';

export type { Logger };

/** Paths whose values never reach a log line: tokens, keys, passwords, signatures, cookies, names, addresses, emails. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-signature-ed25519"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.interactionToken',
  '*.apiKey',
  '*.taxjarApiKey',
  '*.secret',
  '*.secrets',
  '*.clientSecret',
  '*.accessToken',
  '*.access_token',
  '*.webhookSecret',
  '*.webhookSignatureKey',
  'req.headers["paypal-transmission-sig"]',
  'req.headers["x-square-hmacsha256-signature"]',
  'req.headers["btcpay-sig"]',
  '*.signature',
  '*.address',
  '*.shippingAddress',
  '*.webhookUrl',
  // Bodies sent to or received from outside services: a Discord DM or admin-channel embed names the customer
  // and their address (discord.js errors carry it as requestBody), a TaxJar body holds the street.
  'err.requestBody',
  'err.cause.requestBody',
  'err.cause.cause.requestBody',
  'error.requestBody',
  'error.cause.requestBody',
  '*.requestBody',
  '*.responseBody',
  '*.displayName',
  '*.username',
  '*.global_name',
  // Email addresses: an admin's (a failed sign-in is logged with the email typed), any other person's.
  '*.email',
  'password',
  'token',
  'interactionToken',
  'apiKey',
  'secret',
  'address',
  'shippingAddress',
  'webhookUrl',
  'requestBody',
  'responseBody',
  'email',
];

/** Longest string kept from a logged error (message, stack, any other field). */
export const MAX_ERROR_STRING = 2_000;
/** Longest log message kept. */
export const MAX_MESSAGE = 2_000;

const SCRUBS: Array<[RegExp, string]> = [
  // Invoice links: /invoice/<token> is a bearer link to the order's name and address.
  [/(\/invoice\/)[^/?#\s"']+/g, '$1[redacted]'],
  // Discord webhook and interaction follow-up URLs: /webhooks/<application id>/<interaction token>.
  [/(\/webhooks\/\d+\/)[^/?#\s"']+/g, '$1[redacted]'],
  // /interactions/<id>/<token>/callback.
  [/(\/interactions\/\d+\/)[^/?#\s"']+/g, '$1[redacted]'],
  // A password in a URL's query (pg reads `?password=`, `&sslpassword=`): to the next parameter or fragment.
  [/(password=)[^&#\r\n]*/gi, '$1***'],
];

// A URL's userinfo as WHATWG (and pg, which parses with `new URL`) reads it: after `scheme://`, up to the LAST '@'
// before the authority ends ('/', '?', '#'), so a password may hold '@', ':' or a space. Its password is what
// follows the first ':'. (Until 2026-12-07 the password ended at its first '@': `postgres://u:p@ss@host` logged
// `ss@host`.) An '@' later in the same run (`... a@b` with no '/' between) widens what is hidden: too much, never
// too little. The scheme is bounded so a long dotted string cannot make the search quadratic.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]{0,31}:\/\/)([^/?#]*)@/gi;

// A mistyped one with a raw '/', '?' or '#' in its password (`postgres://u:pa/ss@host`, which pg cannot parse, and
// so is logged exactly when the operator mistyped it): after `scheme://user:` not yet hidden, to an '@' within 256
// characters (bounded, so the search stays linear; the old rule hid these, the first pass alone did not).
const URL_PASSWORD_WITH_SLASH = /\b([a-z][a-z0-9+.-]{0,31}:\/\/[^:/?#@\s]*:)(?!\*\*\*@)[^\s@]{0,256}@/gi;

function hideUrlPassword(_match: string, scheme: string, userinfo: string): string {
  const colon = userinfo.indexOf(':');
  return colon < 0 ? `${scheme}${userinfo}@` : `${scheme}${userinfo.slice(0, colon)}:***@`;
}

/** `text` without bearer tokens embedded in it (invoice links, Discord webhook/interaction URLs, URL passwords). */
export function scrubText(text: string): string {
  let out = text.replace(URL_USERINFO, hideUrlPassword).replace(URL_PASSWORD_WITH_SLASH, '$1***@');
  for (const [re, to] of SCRUBS) out = out.replace(re, to);
  return out;
}

function bound(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}... [${text.length - max} more characters cut]` : text;
}

/** An error as a bounded, scrubbed plain object (nested causes too, two levels). */
export function serializeError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error) && (typeof err !== 'object' || err === null)) return err;
  const raw = stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'cause') {
      out.cause = depth < 2 ? serializeError((err as { cause?: unknown }).cause, depth + 1) : '[cut]';
    } else if (typeof v === 'string') {
      out[k] = bound(scrubText(v), MAX_ERROR_STRING);
    } else if (v !== null && typeof v === 'object') {
      // requestBody, meta, ...: kept only as a short scrubbed summary.
      let json: string;
      try {
        json = JSON.stringify(v);
      } catch {
        json = '[unserializable]';
      }
      out[k] = bound(scrubText(json ?? ''), MAX_ERROR_STRING);
    } else {
      out[k] = v;
    }
  }
  return out;
}

export function createLogger(opts: {
  level: string;
  pretty: boolean;
  name?: string;
  destination?: DestinationStream;
  /** Called once when stdout, where the lines go, is closed (EPIPE); the lines after it are dropped. */
  onOutputClosed?: () => void;
}): Logger {
  const options: LoggerOptions = {
    name: opts.name ?? 'ledgerline',
    level: opts.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError, error: serializeError },
    hooks: {
      logMethod(args, method) {
        // The message string (pino's last string argument) gets the same scrub and bound.
        const i = args.findIndex((a) => typeof a === 'string');
        if (i >= 0) args[i] = bound(scrubText(args[i] as string), MAX_MESSAGE);
        return method.apply(this, args as Parameters<typeof method>);
      },
    },
  };
  if (opts.destination) return pino(options, opts.destination);
  // stdout, as pino's own default: once its pipe is closed (EPIPE) the lines are dropped (pino's safe stream).
  const stdout = pino.destination(1);
  stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') opts.onOutputClosed?.();
  });
  if (opts.pretty) {
    // Formatted on this thread, not in a transport's worker thread: when stdout was a pipe that closed (`npm start
    // | head`), that thread stopped reading, and the flush at exit then blocked for 10 s and threw, so process.exit
    // did not exit.
    // Loaded only here (development): a production process never loads the formatter.
    const pinoPretty = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
    return pino(options, pinoPretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', destination: stdout }));
  }
  return pino(options, stdout);
}

/**
 * `parent.child(bindings)`, made only when first used (a method called, a property read). pino builds a
 * child's bindings at once, through the redaction of every REDACT_PATHS entry: on the Discord endpoint, which
 * made a child per request for the request id, that was ~7% of the interaction process's allocations while
 * most requests log nothing (docs/perf/interactions.md, 2026-12-01). Methods come bound to the child.
 */
export function lazyChild(parent: Logger, bindings: Bindings): Logger {
  let real: Logger | undefined;
  const child = () => (real ??= parent.child(bindings));
  return new Proxy({} as Logger, {
    get(_target, key) {
      const target = child();
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
    set: (_target, key, value) => Reflect.set(child(), key, value),
    has: (_target, key) => Reflect.has(child(), key),
  });
}
