// Square adapter for Cash App Pay, on the official `square` SDK (Payments, Refunds and Locations APIs).
// Flow: the invoice page runs Square's Web Payments SDK (conn.webPaymentsSdkUrl) with its Cash App Pay method;
// the buyer approves in Cash App, the SDK hands the page a one-time token, the page posts it to us and
// charge() makes the payment (CreatePayment, autocomplete, our order id as reference_id). No server-side
// checkout exists before that, so createCheckout only names one (providerCheckoutId = our idempotency key).
// Refunds (RefundPayment) start PENDING; refund.updated says COMPLETED or FAILED later.
// A checkout never charged is retired by the reconciliation after its window, once ListPayments shows no
// payment for its order (paymentsForOrder).
// Every call uses the shop's own access token and location; the SDK retries nothing (maxRetries 0): the
// job queue and the buyer's own retry do that, with the same idempotency key.
// The SDK is loaded on the first Square call, not at start-up: importing it takes ~1.5 s of CPU and tens of
// MB in every process (web, worker, every test file), most of which never speak to Square.
import { createHash } from 'node:crypto';
import type { Square, SquareClient, SquareError } from 'square';
import { AppError } from '../../../../platform/errors.js';
import type {
  ConnectionTestResult,
  CreateCheckoutInput,
  CreatedCheckout,
  ProviderAdapter,
  ProviderCheckoutState,
  ProviderRefund,
  ProviderRefundRecord,
  ProviderWebhookEvent,
  RefundInput,
  SquareConnection,
  WebhookRequest,
} from '../provider.port.js';
import { ProviderRejectedError } from '../provider.port.js';
import { providerHttpError, upstreamUnavailable } from '../provider-errors.js';
import {
  keyInReason,
  minorUnits,
  reasonWithKey,
  squarePaymentState,
  squareRefundState,
  type SquarePaymentFacts,
} from './square-payment.js';
import { isValidSquareSignature, parseSquareNotification } from './square-webhook.js';

export interface SquareAdapterOptions {
  /** Per request, in milliseconds (default 10 s). */
  timeoutMs?: number;
}

/** Square's limits: reference_id 40 characters, note 500, refund reason 192. */
const REFERENCE_MAX = 40;
const NOTE_MAX = 500;
const REASON_MAX = 192;
/** Square's idempotency keys are at most 45 characters. */
const KEY_MAX = 45;

type SquareSdk = typeof import('square');
let sdkLoading: Promise<SquareSdk> | undefined;
/** Set once the SDK is loaded; an SDK error can only exist after that. */
let sdk: SquareSdk | undefined;

function loadSdk(): Promise<SquareSdk> {
  sdkLoading ??= import('square').then((m) => (sdk = m));
  return sdkLoading;
}

const isSquareError = (err: unknown): err is SquareError => !!sdk && err instanceof sdk.SquareError;
const isSquareTimeout = (err: unknown): boolean => !!sdk && err instanceof sdk.SquareTimeoutError;

/** Longer keys are hashed: the same key always maps to the same Square key, so retries stay idempotent. */
export function squareIdempotencyKey(key: string): string {
  return key.length <= KEY_MAX ? key : createHash('sha256').update(key).digest('base64url').slice(0, KEY_MAX);
}

export class SquareAdapter implements ProviderAdapter<SquareConnection> {
  readonly provider = 'SQUARE' as const;
  /** createCheckout calls nothing (no checkout exists at Square before the charge). */
  readonly createCheckoutMaxMs = 0;
  private readonly timeoutMs: number;

  constructor(opts: SquareAdapterOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  private async client(conn: SquareConnection): Promise<SquareClient> {
    const { SquareClient } = await loadSdk();
    return new SquareClient({
      token: conn.accessToken,
      baseUrl: conn.apiBaseUrl.replace(/\/+$/, ''),
      maxRetries: 0,
      timeoutInSeconds: Math.max(1, Math.ceil(this.timeoutMs / 1000)),
    });
  }

  async testConnection(conn: SquareConnection): Promise<ConnectionTestResult> {
    try {
      const square = await this.client(conn);
      const { location } = await square.locations.get({ locationId: conn.locationId });
      if (!location) return { ok: false, message: `Square answered without the location ${conn.locationId}.` };
      const where = `location "${location.name ?? location.id}" (${location.id}, ${location.country ?? '?'}, ${location.currency ?? '?'})`;
      if (location.status && location.status !== 'ACTIVE') {
        return { ok: false, message: `Square ${conn.environment}: ${where} is ${location.status}; Cash App Pay needs an active location.` };
      }
      return { ok: true, message: `Connected to Square ${conn.environment}: ${where}.` };
    } catch (err) {
      return { ok: false, message: describeFailure(err, conn) };
    }
  }

  async createCheckout(_conn: SquareConnection, input: CreateCheckoutInput): Promise<CreatedCheckout> {
    return {
      providerCheckoutId: input.idempotencyKey,
      state: 'OPEN',
      currency: input.currency,
      orderId: input.orderId,
      providerStatus: 'AWAITING_TOKEN',
      redirectUrl: null,
    };
  }

  async charge(
    conn: SquareConnection,
    input: { sourceToken: string; amountCents: number; currency: string; idempotencyKey: string; orderId: string; note: string },
  ): Promise<ProviderCheckoutState> {
    try {
      const square = await this.client(conn);
      const { payment } = await square.payments.create({
        sourceId: input.sourceToken,
        idempotencyKey: squareIdempotencyKey(input.idempotencyKey),
        amountMoney: { amount: BigInt(input.amountCents), currency: input.currency as Square.Currency },
        locationId: conn.locationId,
        referenceId: input.orderId.slice(0, REFERENCE_MAX),
        note: input.note.slice(0, NOTE_MAX),
        autocomplete: true,
      });
      if (!payment?.id) throw upstreamUnavailable('SQUARE', 'CreatePayment answered without a payment');
      return squarePaymentState(facts(payment));
    } catch (err) {
      throw toPortError(err);
    }
  }

  /**
   * ListPayments at the connection's location from `since` (a minute earlier: clocks differ), oldest first,
   * page by page, keeping the payments whose reference_id is our order id (as charge() sends it).
   */
  async paymentsForOrder(conn: SquareConnection, input: { orderId: string; since: Date; limit: number }): Promise<ProviderCheckoutState[]> {
    const reference = input.orderId.slice(0, REFERENCE_MAX);
    const found: ProviderCheckoutState[] = [];
    try {
      const square = await this.client(conn);
      const page = await square.payments.list({
        beginTime: new Date(input.since.getTime() - 60_000).toISOString(),
        sortOrder: 'ASC',
        locationId: conn.locationId,
        limit: 100,
      });
      let seen = 0;
      for await (const payment of page) {
        if (++seen > input.limit) break;
        if (payment.referenceId === reference && payment.id) found.push(squarePaymentState(facts(payment)));
      }
      return found;
    } catch (err) {
      throw toPortError(err);
    }
  }

  /**
   * A checkout id that names no payment yet (our idempotency key, before charge) is OPEN: Square has no
   * record until the buyer's token is charged.
   */
  async getCheckout(conn: SquareConnection, providerCheckoutId: string): Promise<ProviderCheckoutState> {
    try {
      const square = await this.client(conn);
      const { payment } = await square.payments.get({ paymentId: providerCheckoutId });
      if (!payment?.id) throw upstreamUnavailable('SQUARE', 'GetPayment answered without a payment');
      return squarePaymentState(facts(payment));
    } catch (err) {
      if (isSquareError(err) && err.statusCode === 404) {
        return { providerCheckoutId, state: 'OPEN', providerStatus: 'NO_PAYMENT' };
      }
      throw toPortError(err);
    }
  }

  /**
   * Before charge there is nothing at Square to close. A payment still APPROVED (never, with autocomplete)
   * is cancelled; a COMPLETED one is left alone: money that arrived is the core's to refund, not ours to hide.
   */
  async voidCheckout(conn: SquareConnection, providerCheckoutId: string): Promise<void> {
    const current = await this.getCheckout(conn, providerCheckoutId);
    if (current.state !== 'APPROVED') return;
    try {
      const square = await this.client(conn);
      await square.payments.cancel({ paymentId: providerCheckoutId });
    } catch (err) {
      throw toPortError(err);
    }
  }

  async verifyWebhook(conn: SquareConnection, req: WebhookRequest): Promise<ProviderWebhookEvent> {
    if (!isValidSquareSignature(conn.webhookSignatureKey, req)) {
      throw new AppError('BAD_SIGNATURE', 'The Square webhook signature does not match.');
    }
    return parseSquareNotification(req.rawBody);
  }

  /** GetPayment's refund_ids (every refund of the payment, ours or the dashboard's), then GetPaymentRefund for each. */
  async refundsOfPayment(
    conn: SquareConnection,
    input: { paymentReference: string; providerCheckoutId: string; limit: number },
  ): Promise<ProviderRefundRecord[]> {
    try {
      const square = await this.client(conn);
      const { payment } = await square.payments.get({ paymentId: input.paymentReference });
      const ids = (payment?.refundIds ?? []).slice(0, input.limit);
      const out: ProviderRefundRecord[] = [];
      for (const refundId of ids) {
        const { refund } = await square.refunds.get({ refundId });
        if (refund?.id) out.push(refundRecord(refund));
      }
      return out;
    } catch (err) {
      throw toPortError(err);
    }
  }

  async refund(conn: SquareConnection, input: RefundInput): Promise<ProviderRefund> {
    try {
      const square = await this.client(conn);
      const { refund } = await square.refunds.refundPayment({
        idempotencyKey: squareIdempotencyKey(input.idempotencyKey),
        paymentId: input.paymentReference,
        amountMoney: { amount: BigInt(input.amountCents), currency: input.currency as Square.Currency },
        reason: reasonWithKey(input.reason, input.idempotencyKey, REASON_MAX),
      });
      if (!refund?.id) throw upstreamUnavailable('SQUARE', 'RefundPayment answered without a refund');
      const status = refund.status ?? 'PENDING';
      if (status === 'REJECTED' || status === 'FAILED') {
        throw new ProviderRejectedError(`Square refused the refund (${status}).`, 400, `REFUND_${status}`);
      }
      return { providerRefundId: refund.id, state: status === 'COMPLETED' ? 'COMPLETED' : 'PENDING', providerStatus: status };
    } catch (err) {
      throw toPortError(err);
    }
  }
}

function refundRecord(r: Square.PaymentRefund): ProviderRefundRecord {
  const ourKey = keyInReason(r.reason);
  return {
    providerRefundId: r.id,
    state: squareRefundState(r.status ?? 'PENDING'),
    amountCents: minorUnits(r.amountMoney?.amount),
    ...(r.paymentId ? { paymentReference: r.paymentId } : {}),
    ...(ourKey ? { ourKey } : {}),
  };
}

function facts(p: Square.Payment): SquarePaymentFacts {
  const total = p.totalMoney ?? p.amountMoney;
  return {
    id: p.id ?? '',
    status: p.status ?? 'PENDING',
    amountCents: minorUnits(total?.amount),
    currency: total?.currency ?? undefined,
    referenceId: p.referenceId ?? undefined,
    sourceType: p.sourceType ?? undefined,
  };
}

function firstError(err: SquareError): { code: string; detail: string } {
  const e = err.errors[0];
  return e
    ? { code: `${e.category}/${e.code}`, detail: e.detail ?? e.code }
    : { code: String(err.statusCode ?? 'NO_ANSWER'), detail: 'no error body' };
}

/** SDK failures to the port's contract. Messages carry Square's error codes, never the token or bodies. */
function toPortError(err: unknown): unknown {
  if (err instanceof AppError || err instanceof ProviderRejectedError) return err;
  if (isSquareTimeout(err)) return upstreamUnavailable('SQUARE', 'timeout', err);
  if (isSquareError(err)) {
    if (err.statusCode === undefined) return upstreamUnavailable('SQUARE', 'no answer (network)', err);
    const { code, detail } = firstError(err);
    return providerHttpError('SQUARE', err.statusCode, code, detail);
  }
  return upstreamUnavailable('SQUARE', 'unexpected client failure', err);
}

/** What "Test connection" shows the owner: Square's own words, and what to check. */
function describeFailure(err: unknown, conn: SquareConnection): string {
  if (isSquareError(err) && err.statusCode !== undefined) {
    const { code, detail } = firstError(err);
    if (err.statusCode === 401)
      return `Square refused the access token (401 ${code}: ${detail}). Check the token and that it is for ${conn.environment}.`;
    if (err.statusCode === 403) return `Square says the access token may not read locations (403 ${code}: ${detail}).`;
    if (err.statusCode === 404) return `Square has no location ${conn.locationId} for this access token (404 ${code}).`;
    return `Square answered ${err.statusCode} ${code}: ${detail}`;
  }
  return `Could not reach Square at ${conn.apiBaseUrl} (${err instanceof Error ? err.message.split('\n')[0] : 'unknown error'}).`;
}
