// Opaque cursors of the order list (keyset pagination): where the next page starts, bound to the tenant and
// the filters it was issued for. Format: base64url(JSON {c: createdAt ms, i: order id}) "." base64url(HMAC).
// The HMAC (SHA-256, a key derived from the server's secrets) covers the tenant id, the filters and the
// boundary, so a cursor edited by hand, issued to another shop, or replayed with other filters is refused
// (VALIDATION_FAILED, 400) instead of reading from somewhere it was not issued for.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../platform/errors.js';

/** The last order of a page: the next page is what sorts after it (createdAt desc, id desc). */
export interface OrderBoundary {
  createdAt: Date;
  id: string;
}

/** The filters a cursor is bound to; every one is part of the signature (absent and present differ). */
export interface OrderListFilter {
  status?: string;
  customerId?: string;
  from?: Date;
  to?: Date;
}

export interface OrderCursorCodec {
  encode(tenantId: string, filter: OrderListFilter, boundary: OrderBoundary): string;
  /** The boundary, or VALIDATION_FAILED when the cursor is malformed, tampered, or not for this tenant and filters. */
  decode(tenantId: string, filter: OrderListFilter, cursor: string): OrderBoundary;
}

const MAX_CURSOR_LENGTH = 512;

function invalid(): AppError {
  return new AppError('VALIDATION_FAILED', 'Invalid cursor: pass nextCursor from the previous page of the same query unchanged', {
    fields: [{ path: 'cursor', message: 'not a cursor this list issued for these filters' }],
  });
}

/** What the signature covers, one field a line (ids and statuses hold no newline). */
function signedText(tenantId: string, filter: OrderListFilter, payload: string): string {
  return [
    'order-list/v1',
    tenantId,
    filter.status ?? '',
    filter.customerId ?? '',
    filter.from?.toISOString() ?? '',
    filter.to?.toISOString() ?? '',
    payload,
  ].join('\n');
}

/**
 * `keys`: the signing key, or the keyring's keys current first. Cursors are signed with the first and
 * verified against each, so a cursor issued before a secrets-key rotation still works while the old key is
 * in the keyring (docs/decisions/list-pagination.md).
 */
export function createOrderCursorCodec(keys: Buffer | readonly Buffer[]): OrderCursorCodec {
  const ring = Buffer.isBuffer(keys) ? [keys] : [...keys];
  if (ring.length === 0) throw new Error('createOrderCursorCodec needs at least one key');
  const mac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  const verifies = (given: Buffer, text: string) =>
    ring.some((key) => {
      const expected = mac(key, text);
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  return {
    encode(tenantId, filter, boundary) {
      const payload = Buffer.from(JSON.stringify({ c: boundary.createdAt.getTime(), i: boundary.id })).toString('base64url');
      return `${payload}.${mac(ring[0]!, signedText(tenantId, filter, payload)).toString('base64url')}`;
    },
    decode(tenantId, filter, cursor) {
      if (cursor.length > MAX_CURSOR_LENGTH) throw invalid();
      const [payload, signature, ...rest] = cursor.split('.');
      if (!payload || !signature || rest.length) throw invalid();
      if (!verifies(Buffer.from(signature, 'base64url'), signedText(tenantId, filter, payload))) throw invalid();
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        throw invalid();
      }
      const { c, i } = (parsed ?? {}) as { c?: unknown; i?: unknown };
      if (typeof c !== 'number' || !Number.isSafeInteger(c) || typeof i !== 'string' || !/^ord_[A-Za-z0-9]{1,64}$/.test(i)) throw invalid();
      return { createdAt: new Date(c), id: i };
    },
  };
}
