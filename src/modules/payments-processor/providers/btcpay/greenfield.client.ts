// A small typed client for the parts of BTCPay Server's Greenfield API we use (Authorization: token <key>).
// Each answer is checked with zod; errors follow the port's contract (provider-errors.ts). Greenfield's error
// bodies are {code, message} (ProblemDetails) or, for 422, an array of {path, message}; only a bounded one-line
// summary of them is kept (describeError). The server URL is the shop's: every call goes through the outbound
// rule (platform/outbound/: https and a public address in production, checked again at connection so a name
// re-pointed since it was saved is refused; no redirect followed).
import { z } from 'zod';
import type { BtcPayConnection } from '../provider.port.js';
import { AppError } from '../../../../platform/errors.js';
import { guardedRequest, OutboundRefusedError } from '../../../../platform/outbound/guarded-request.js';
import { checkOutboundUrl, type OutboundPolicy, type ResolveHost } from '../../../../platform/outbound/outbound-url.js';
import { providerHttpError, upstreamUnavailable } from '../provider-errors.js';
import { BTCPAY_SERVER_URL } from './btcpay-server-url.js';
import { BTCPAY_PERMISSION_NEEDS, describeMissingPermissions } from './btcpay-permissions.js';

export const invoiceSchema = z.object({
  id: z.string().min(1),
  storeId: z.string().optional(),
  amount: z.string(),
  paidAmount: z.string().optional(),
  currency: z.string(),
  checkoutLink: z.string(),
  status: z.string(),
  additionalStatus: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  expirationTime: z.number().optional(),
});
export type GreenfieldInvoice = z.infer<typeof invoiceSchema>;

export const paymentMethodSchema = z.object({
  paymentMethodId: z.string().optional(),
  currency: z.string().optional(),
  rate: z.string().optional(),
  paymentMethodPaid: z.string().optional(),
  totalPaid: z.string().optional(),
  due: z.string().optional(),
  amount: z.string().optional(),
  payments: z.array(z.object({ value: z.string(), fee: z.string().optional(), status: z.string() })).optional(),
});
export type GreenfieldPaymentMethod = z.infer<typeof paymentMethodSchema>;

export const storeSchema = z.object({ id: z.string(), name: z.string().optional(), defaultCurrency: z.string().optional() });

/** GET /api/v1/api-keys/current (ApiKeyData): `permissions` are `policy` or `policy:storeId` strings. */
export const apiKeySchema = z.object({ label: z.string().nullish(), permissions: z.array(z.string()) });

export const pullPaymentSchema = z.object({
  id: z.string().min(1),
  name: z.string().nullish(),
  description: z.string().nullish(),
  currency: z.string().optional(),
  amount: z.string().optional(),
  archived: z.boolean().optional(),
  viewLink: z.string().min(1),
  /** False: each claim (payout) waits in AwaitingApproval until the merchant approves it. */
  autoApproveClaims: z.boolean().optional(),
});
export type GreenfieldPullPayment = z.infer<typeof pullPaymentSchema>;

export const payoutSchema = z.object({
  id: z.string().min(1),
  pullPaymentId: z.string().nullish(),
  state: z.enum(['AwaitingApproval', 'AwaitingPayment', 'InProgress', 'Completed', 'Cancelled']),
});

const problem = z.object({ code: z.string(), message: z.string() });
const validationProblems = z.array(z.object({ path: z.string().nullish(), message: z.string() }));

/** How the server may reach BTCPay Servers (container.ts: production unless NODE_ENV says otherwise). */
export interface GreenfieldOutbound {
  policy: OutboundPolicy;
  /** The resolver the connect-time check uses (default: the system's). */
  resolveHost?: ResolveHost;
}

/** Read no more of an answer than this (a store's pull payments, with archived ones, are the largest). */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

export class GreenfieldClient {
  constructor(
    private readonly conn: BtcPayConnection,
    private readonly timeoutMs: number,
    private readonly outbound: GreenfieldOutbound,
  ) {}

  storePath(rest = ''): string {
    return `/api/v1/stores/${encodeURIComponent(this.conn.storeId)}${rest}`;
  }

  async request<S extends z.ZodType>(method: 'GET' | 'POST', path: string, schema: S, body?: unknown): Promise<z.output<S>> {
    let res: { status: number; text: string };
    try {
      // The stored URL is checked again here: one saved before the rule, or under another NODE_ENV, is refused too.
      const base = checkOutboundUrl(this.conn.serverUrl, this.outbound.policy, BTCPAY_SERVER_URL);
      res = await guardedRequest({
        url: new URL(`${base.origin}${base.pathname.replace(/\/+$/, '')}${path}`),
        method,
        headers: {
          authorization: `token ${this.conn.apiKey}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs: this.timeoutMs,
        policy: this.outbound.policy,
        resolveHost: this.outbound.resolveHost,
        maxBytes: MAX_ANSWER_BYTES,
      });
    } catch (err) {
      if (err instanceof OutboundRefusedError || (err instanceof AppError && err.code === 'VALIDATION_FAILED'))
        throw refusedTarget(this.conn, err.message);
      throw upstreamUnavailable('BTCPAY', `${method} ${pathForLog(path)}: no answer`, err);
    }
    const ok = res.status >= 200 && res.status < 300;
    const text = res.text;
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    // A redirect is not followed (a 3xx is a failure): it could lead anywhere, a private address included.
    if (!ok) {
      const { code, detail } = describeError(res.status, json);
      if (res.status === 403 && code === 'missing-permission') throw missingPermissionError(this.conn, json, detail);
      throw providerHttpError('BTCPAY', res.status, code, detail);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw upstreamUnavailable('BTCPAY', `${method} ${pathForLog(path)}: unexpected answer body`);
    return parsed.data;
  }
}

/** A Greenfield error code ("store-not-found", "missing-permission"); anything else is not kept. */
const ERROR_CODE = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;
/** How much of an answer's error text is kept: a short line, never a body. */
export const ERROR_DETAIL_CHARS = 160;

/** One line of at most ERROR_DETAIL_CHARS, control characters and runs of white space made one space. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f\s]+/g, ' ').trim();
  return line.length > ERROR_DETAIL_CHARS ? `${line.slice(0, ERROR_DETAIL_CHARS - 1)}…` : line;
}

/**
 * What a failed answer says, bounded: Greenfield's error code when it looks like one, and one short line of its
 * message; an answer not shaped as Greenfield's (any other server's page or JSON) gives only its status.
 */
export function describeError(status: number, json: unknown): { code: string; detail: string } {
  const p = problem.safeParse(json);
  if (p.success && ERROR_CODE.test(p.data.code)) return { code: p.data.code, detail: oneLine(p.data.message) || `HTTP ${status}` };
  const v = validationProblems.safeParse(json);
  if (v.success && v.data.length > 0) {
    return { code: 'validation', detail: oneLine(v.data.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ')) };
  }
  return { code: String(status), detail: `HTTP ${status}` };
}

/**
 * The outbound rule refused the call (nothing was sent): retryable as an unreachable server is (the shop may
 * correct the URL meanwhile), with `details.refused` saying why, for Test connection's words.
 */
function refusedTarget(conn: BtcPayConnection, reason: string): AppError {
  const err = upstreamUnavailable('BTCPAY', `refused: ${reason}`);
  return new AppError(err.code, err.message, { ...err.details, refused: reason, serverUrl: conn.serverUrl });
}

/** Paths hold store and invoice ids only, but keep logs to the route shape anyway. */
function pathForLog(path: string): string {
  return path.replace(/\/stores\/[^/]+/, '/stores/{storeId}').replace(/\/invoices\/[^/]+/, '/invoices/{id}');
}

/**
 * BTCPay's 403 missing-permission ({code, message, missingPermission}: GreenfieldPermissionAPIError): still
 * retryable as every 403 is (provider-errors.ts: the shop may replace the key meanwhile), but in words that
 * name the permission, so the refund's last-attempt alert and the log say what to fix instead of "not
 * reachable right now". `details.why` keeps the status and code, as the port's other errors do.
 */
function missingPermissionError(conn: BtcPayConnection, json: unknown, detail: string): AppError {
  const policy = z.object({ missingPermission: z.string() }).safeParse(json);
  const need = policy.success ? BTCPAY_PERMISSION_NEEDS.find((n) => n.policy === policy.data.missingPermission.toLowerCase()) : undefined;
  const message = need
    ? describeMissingPermissions([need], conn.storeId)
    : `The BTCPay API key lacks a permission for store ${conn.storeId}${policy.success ? ` (${policy.data.missingPermission})` : ''}: create a key with "Manage selected stores", save it in Settings -> Payments and test again.`;
  return new AppError('UPSTREAM_UNAVAILABLE', message, {
    provider: 'BTCPAY',
    why: `403 missing-permission: ${detail}`,
    httpStatus: 403,
    providerCode: 'missing-permission',
  });
}
