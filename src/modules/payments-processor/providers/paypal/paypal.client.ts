// A small typed client over fetch for the parts of PayPal's REST API we use (OAuth2 client credentials,
// Orders v2, Payments v2). Chosen over @paypal/paypal-server-sdk: we need five calls, the SDK is generated,
// has no webhook verification and would still need our own error mapping; fetch keeps timeouts, the
// PayPal-Request-Id header and the mapping of PayPal's error body in one readable place.
//
// Errors follow the provider port: network failures, timeouts, 5xx and 401/403/408/429 are
// UPSTREAM_UNAVAILABLE (retryable); any other 4xx is ProviderRejectedError with PayPal's own
// "NAME/ISSUE" code. Nothing thrown or logged contains the client secret or the access token.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../../../platform/errors.js';
import { ProviderRejectedError, type PayPalConnection } from '../provider.port.js';

const RETRYABLE_4XX = new Set([401, 403, 408, 429]);

const tokenResponse = z.object({ access_token: z.string().min(1), expires_in: z.number().int().positive(), app_id: z.string().optional() });
const errorBody = z
  .object({
    name: z.string().optional(),
    message: z.string().optional(),
    error: z.string().optional(),
    error_description: z.string().optional(),
    details: z.array(z.object({ issue: z.string().optional(), description: z.string().optional() })).optional(),
  })
  .passthrough();

// PayPal's Money: value is a decimal string in the currency's major unit, with no decimals for JPY, HUF and TWD
// (https://developer.paypal.com/docs/api/reference/currency-codes/); read with platform/money.ts's converter.
export const money = z.object({ currency_code: z.string().length(3), value: z.string().regex(/^-?\d+(\.\d+)?$/) });
export const link = z.object({ href: z.string(), rel: z.string(), method: z.string().optional() });
export const capture = z
  .object({
    id: z.string().min(1),
    status: z.string().min(1),
    amount: money.optional(),
    invoice_id: z.string().optional(),
    custom_id: z.string().optional(),
    status_details: z.object({ reason: z.string().optional() }).optional(),
    supplementary_data: z.object({ related_ids: z.object({ order_id: z.string().optional() }).optional() }).optional(),
    links: z.array(link).optional(),
  })
  .passthrough();
// custom_id: what we sent on the refund request (our refund's id), echoed on the refund and its webhook.
export const refund = z
  .object({
    id: z.string().min(1),
    status: z.string().min(1),
    amount: money.optional(),
    custom_id: z.string().optional(),
    links: z.array(link).optional(),
  })
  .passthrough();
export const order = z
  .object({
    id: z.string().min(1),
    status: z.string().min(1),
    purchase_units: z
      .array(
        z
          .object({
            invoice_id: z.string().optional(),
            custom_id: z.string().optional(),
            amount: money.optional(),
            payments: z.object({ captures: z.array(capture).optional(), refunds: z.array(refund).optional() }).optional(),
          })
          .passthrough(),
      )
      .optional(),
    links: z.array(link).optional(),
  })
  .passthrough();

export type PayPalOrder = z.infer<typeof order>;
export type PayPalCapture = z.infer<typeof capture>;
export type PayPalRefund = z.infer<typeof refund>;

export interface PayPalClientOptions {
  timeoutMs: number;
  now?: () => number;
}

export interface PayPalClient {
  /** The token's app id (for "Test connection"); throws like every call. */
  token(conn: PayPalConnection, forceNew?: boolean): Promise<{ accessToken: string; appId?: string }>;
  call<T extends z.ZodType>(
    conn: PayPalConnection,
    method: 'GET' | 'POST',
    path: string,
    schema: T,
    opts?: { body?: unknown; requestId?: string; headers?: Record<string, string> },
  ): Promise<z.infer<T>>;
}

export function createPayPalClient(opts: PayPalClientOptions): PayPalClient {
  const now = opts.now ?? Date.now;
  // OAuth tokens cached per connection (base URL + client id + a hash of the secret, so a changed secret
  // gets a new token), until a minute before PayPal says they expire.
  const tokens = new Map<string, { accessToken: string; appId?: string; expiresAt: number }>();
  const cacheKey = (c: PayPalConnection) => `${c.apiBaseUrl}|${c.clientId}|${createHash('sha256').update(c.clientSecret).digest('hex')}`;
  const base = (c: PayPalConnection) => c.apiBaseUrl.replace(/\/+$/, '');
  const unavailable = (why: string, cause?: unknown) =>
    new AppError('UPSTREAM_UNAVAILABLE', 'PayPal is not reachable right now. Please try again in a minute.', { why }, { cause });

  async function send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(opts.timeoutMs) });
    } catch (err) {
      throw unavailable(`request to PayPal failed (${(err as Error).name})`, err);
    }
  }

  async function failure(res: Response, what: string): Promise<Error> {
    const parsed = errorBody.safeParse(await res.json().catch(() => null));
    const body = parsed.success ? parsed.data : {};
    const issue = body.details?.[0]?.issue;
    const code = [body.name ?? body.error ?? `HTTP_${res.status}`, issue].filter(Boolean).join('/');
    const detail = body.details?.[0]?.description ?? body.message ?? body.error_description ?? '';
    if (res.status >= 500 || RETRYABLE_4XX.has(res.status)) return unavailable(`PayPal answered ${res.status} ${code} to ${what}`);
    return new ProviderRejectedError(`PayPal refused ${what}: ${code}${detail ? ` (${detail})` : ''}`, res.status, code);
  }

  const client: PayPalClient = {
    async token(conn, forceNew = false) {
      const key = cacheKey(conn);
      const cached = tokens.get(key);
      if (cached && !forceNew && cached.expiresAt > now()) return cached;
      const res = await send(`${base(conn)}/v1/oauth2/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${conn.clientId}:${conn.clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: 'grant_type=client_credentials',
      });
      if (!res.ok) {
        // A wrong client id or secret is 401 invalid_client: permanent for "Test connection", so say it plainly.
        if (res.status === 401)
          throw new ProviderRejectedError('PayPal refused the client id or secret (401 invalid_client).', 401, 'invalid_client');
        throw await failure(res, 'the OAuth token request');
      }
      const parsed = tokenResponse.safeParse(await res.json().catch(() => null));
      if (!parsed.success) throw unavailable('PayPal answered an unexpected token body');
      const entry = {
        accessToken: parsed.data.access_token,
        appId: parsed.data.app_id,
        expiresAt: now() + Math.max(0, parsed.data.expires_in - 60) * 1000,
      };
      if (tokens.size > 500) tokens.clear();
      tokens.set(key, entry);
      return entry;
    },

    async call(conn, method, path, schema, callOpts = {}) {
      for (let attempt = 1; ; attempt++) {
        const { accessToken } = await client.token(conn, attempt > 1);
        const headers: Record<string, string> = {
          authorization: `Bearer ${accessToken}`,
          accept: 'application/json',
          ...(callOpts.requestId ? { 'paypal-request-id': callOpts.requestId } : {}),
          ...(callOpts.headers ?? {}),
        };
        if (method === 'POST') headers['content-type'] = 'application/json';
        const res = await send(`${base(conn)}${path}`, {
          method,
          headers,
          body: method === 'POST' ? JSON.stringify(callOpts.body ?? {}) : undefined,
        });
        // An expired or revoked token: one fresh token, then the normal mapping.
        if (res.status === 401 && attempt === 1) continue;
        if (!res.ok) throw await failure(res, `${method} ${path.replace(/\/[A-Z0-9-]{10,}/g, '/{id}')}`);
        const parsed = schema.safeParse(await res.json().catch(() => null));
        // A 2xx we cannot read may still have done the work: the same PayPal-Request-Id makes a retry safe.
        if (!parsed.success) throw unavailable(`PayPal answered an unexpected body to ${method} ${path}`);
        return parsed.data;
      }
    },
  };
  return client;
}
