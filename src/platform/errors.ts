// One error type with a closed set of codes. Each surface maps codes to its own output
// (HTTP status + JSON body, an ephemeral Discord message, an AdminJS notice).

export const ERROR_CODES = {
  VALIDATION_FAILED: 400,
  BAD_SIGNATURE: 401,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  ROLE_REQUIRED: 403,
  /** A read-only API key sent a request that is not a read (surfaces/http/api/api-context.ts): nothing was done. */
  API_KEY_READ_ONLY: 403,
  NOT_FOUND: 404,
  /** The path exists but does not take this method (surfaces/http/method-not-allowed.ts); the Allow header lists those it takes. */
  METHOD_NOT_ALLOWED: 405,
  TENANT_NOT_CONFIGURED: 404,
  CONFLICT: 409,
  ILLEGAL_STATE: 409,
  INVALID_TRANSITION: 409,
  SESSION_EXPIRED: 409,
  SESSION_EMPTY: 409,
  OUT_OF_STOCK: 409,
  PAYMENT_METHOD_NOT_ENABLED: 409,
  ORDER_NOT_PAID: 409,
  REFUND_EXCEEDS_BALANCE: 409,
  REFUND_EXCEEDS_QUANTITY: 409,
  REFUND_PRODUCT_NOT_ON_ORDER: 409,
  REFUND_AMOUNT_INVALID: 400,
  REFUND_NOTHING_LEFT: 409,
  CURRENCY_MISMATCH: 409,
  IDEMPOTENCY_KEY_IN_USE: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  /** The order's amount or selections changed since the customer reviewed it (checkout/quote-consent.ts). */
  QUOTE_CHANGED: 409,
  /**
   * The change would send money back (cancelling a paid order refunds it) and the caller did not confirm that
   * refund's amount, or confirmed another one: nothing was changed (order-admin/cancel-refund-consent.ts).
   */
  REFUND_CONFIRMATION_REQUIRED: 409,
  /**
   * The same admin sent the same amount received for the same order again within minutes (payments/repeated-receipt.ts):
   * nothing was recorded until they confirm it is another payment.
   */
  RECEIPT_CONFIRMATION_REQUIRED: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INVOICE_LINK_DISABLED: 503,
  INVOICE_LINK_INVALID: 403,
  INVOICE_LINK_EXPIRED: 410,
  TAX_SERVICE_UNAVAILABLE: 503,
  UPSTREAM_UNAVAILABLE: 503,
  DATABASE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly code: ErrorCode;
  /** Structured details safe to show to the caller (field errors, the product that is out of stock...). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code];
  }
}

/**
 * NOT_FOUND in the one wording every surface shows: "Order 1001 was not found." (`ref` as the caller gave it: an id,
 * a number). The REST API said "Order 0 not found" for a number and "Order ord_x was not found." for an id.
 */
export function notFound(kind: string, ref: string, details?: Record<string, unknown>): AppError {
  return new AppError('NOT_FOUND', `${kind} ${ref || '(empty)'} was not found.`, details);
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/**
 * Turns a zod error into a VALIDATION_FAILED AppError listing each field problem. An unknown field (zod's
 * unrecognized_keys, one issue on the object for all of them) is listed by its own path, so details.fields names
 * the field to remove rather than "(root)".
 */
export function validationError(
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string; code?: string; keys?: readonly string[] }>,
  what = 'input',
): AppError {
  const one = issues.flatMap((i) =>
    i.code === 'unrecognized_keys' && i.keys?.length ? i.keys.map((key) => ({ path: [...i.path, key], message: 'unknown field' })) : [i],
  );
  const fields = one.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
  const summary = fields.map((f) => (f.path === '(root)' ? f.message : `${f.path}: ${f.message}`)).join('; ');
  return new AppError('VALIDATION_FAILED', `Invalid ${what}: ${summary}`, { fields });
}

/**
 * What `read` finds, or null when it answers NOT_FOUND: for a job whose row was deleted after the job was
 * queued (an order deleted, a shop removed), which then ends instead of failing: a retry would find nothing
 * either. Any other error (the database down) still throws, so the job is retried.
 */
export function orNullIfNotFound<T>(read: Promise<T>): Promise<T | null> {
  return read.catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return null;
    throw err;
  });
}

/**
 * A path Express could not percent-decode (%ZZ, or a link cut in the middle of "%E0%A4%A5"): its router raises
 * a URIError with status 400 before any route runs. The REST API, the invoice page and the panel answer it 400.
 */
export function isUndecodablePath(err: unknown): boolean {
  return err instanceof URIError && (err as { status?: unknown }).status === 400 && /^Failed to decode param/.test(err.message);
}
