// A small typed client for the parts of BTCPay Server's Greenfield API we use (Authorization: token <key>).
// Each answer is checked with zod; errors follow the port's contract (provider-errors.ts). Greenfield's error
// bodies are {code, message} (ProblemDetails) or, for 422, an array of {path, message}.
import { z } from 'zod';
import type { BtcPayConnection } from '../provider.port.js';
import { AppError } from '../../../../platform/errors.js';
import { providerHttpError, upstreamUnavailable } from '../provider-errors.js';
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

export class GreenfieldClient {
  private readonly base: string;

  constructor(
    private readonly conn: BtcPayConnection,
    private readonly timeoutMs: number,
  ) {
    this.base = conn.serverUrl.replace(/\/+$/, '');
  }

  storePath(rest = ''): string {
    return `/api/v1/stores/${encodeURIComponent(this.conn.storeId)}${rest}`;
  }

  async request<S extends z.ZodType>(method: 'GET' | 'POST', path: string, schema: S, body?: unknown): Promise<z.output<S>> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `token ${this.conn.apiKey}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw upstreamUnavailable('BTCPAY', `${method} ${pathForLog(path)}: no answer`, err);
    }
    const text = await res.text().catch(() => '');
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!res.ok) {
      const { code, detail } = describeError(res.status, json);
      if (res.status === 403 && code === 'missing-permission') throw missingPermissionError(this.conn, json, detail);
      throw providerHttpError('BTCPAY', res.status, code, detail);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw upstreamUnavailable('BTCPAY', `${method} ${pathForLog(path)}: unexpected answer body`);
    return parsed.data;
  }
}

export function describeError(status: number, json: unknown): { code: string; detail: string } {
  const p = problem.safeParse(json);
  if (p.success) return { code: p.data.code, detail: p.data.message };
  const v = validationProblems.safeParse(json);
  if (v.success && v.data.length > 0) {
    return { code: 'validation', detail: v.data.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ') };
  }
  return { code: String(status), detail: `HTTP ${status}` };
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
  return new AppError('UPSTREAM_UNAVAILABLE', message, { provider: 'BTCPAY', why: `403 missing-permission: ${detail}` });
}
