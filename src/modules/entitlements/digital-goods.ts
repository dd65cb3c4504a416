// Digital goods: licence keys from a product's key stock, or a download link, delivered on payment.
// - Upload (panel): keys one per line or CSV (first column; a "key"/"code" header is skipped); new keys are
//   added to the product's stock, because the stock of a key product IS its keys: the order flow's stock
//   check then never sells more units than there are keys.
// - Delivery, in the payment's transaction (grantForOrder): each unit takes one AVAILABLE key with
//   FOR UPDATE SKIP LOCKED, so concurrent payments never wait on, or take, the same key. A shortfall (keys
//   deleted by hand, stock raised without keys) is audited and the admin channel told.
// - Refund (revokeForOrder): the order's keys of the refunded products become REVOKED (never sold again),
//   and the product's stock is capped at its AVAILABLE keys, since the refund may have put units back
//   (inventory.restockItems) that no key backs. Units reserved by unpaid orders are not subtracted, so a
//   refund can leave a unit or two more on sale than keys; such a sale is audited as short and alerted.
// - The customer gets them in the order's receipt DM and in /orders detail (forOrder), not a DM of their own.
// - Low stock: a delivery that leaves LOW_KEY_STOCK or fewer AVAILABLE keys (or found too few) tells the
//   admin channel; one pending alert per product.
import { z } from 'zod';
import { AppError } from '../../platform/errors.js';
import { Prisma, withTransaction, type Db, type Tx } from '../../platform/db/prisma.js';
import type { EventBus } from '../../platform/jobs/queue.js';
import type { AuditService } from '../audit/audit.service.js';
import { systemActor, type TenantContext } from '../shared/actor.js';

export const LOW_KEY_STOCK = 5;
const MAX_KEY_LENGTH = 500;
const MAX_KEYS_PER_UPLOAD = 10_000;

export const DIGITAL_EVENTS = {
  /**
   * No longer emitted (the receipt DM carries the delivered items); its handler stays for jobs queued
   * before that change, whose receipts went out without the keys.
   */
  delivered: 'entitlement.digital_delivered',
  /** A product's key stock is low (or short): tell the admin channel. */
  keysLow: 'entitlement.keys_low',
} as const;

export const digitalDeliveredPayload = z.object({ tenantId: z.string(), orderId: z.string() });
export const keysLowPayload = z.object({
  tenantId: z.string(),
  productId: z.string(),
  productName: z.string(),
  available: z.number().int(),
  short: z.number().int(),
});
export type KeysLowPayload = z.infer<typeof keysLowPayload>;

/**
 * A line's first CSV field, trimmed: up to the first comma, or, when it opens with a quote, up to its closing quote
 * (a comma inside is part of it, `""` is one quote), as a spreadsheet writes a key holding a comma ("AB,CD-1").
 * null when it opens with a quote that does not close before the next comma or the line's end (`"AB,CD-1,1001`,
 * `"AB"CD,1`): cut anywhere, the key would not be what the shop meant to sell.
 */
function firstCsvField(line: string): string | null {
  if (!/^\s*"/.test(line)) return line.split(',')[0]!.trim();
  const m = /^\s*"((?:[^"]|"")*)"\s*(?:,|$)/.exec(line);
  return m ? m[1]!.replace(/""/g, '"').trim() : null;
}

/** Keys from an upload: one per line, or CSV (the first column, quotes removed); blanks, a header and repeats dropped. */
export function parseKeyUpload(text: string): string[] {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    const first = firstCsvField(line);
    if (first === null) throw new AppError('VALIDATION_FAILED', `Line ${i + 1}: a quoted key without its closing quote (write "AB,CD-1").`);
    if (!first || (i === 0 && /^(key|keys|code|licen[cs]e( key)?)$/i.test(first))) continue;
    if (first.length > MAX_KEY_LENGTH)
      throw new AppError('VALIDATION_FAILED', `Line ${i + 1}: a key is at most ${MAX_KEY_LENGTH} characters.`);
    if (!seen.has(first)) {
      seen.add(first);
      keys.push(first);
    }
  }
  if (keys.length > MAX_KEYS_PER_UPLOAD) throw new AppError('VALIDATION_FAILED', `At most ${MAX_KEYS_PER_UPLOAD} keys per upload.`);
  return keys;
}

export interface DeliveredItem {
  productId: string;
  productName: string;
  keys: string[];
  downloadUrl: string | null;
}

export interface DigitalGoods {
  /** Adds keys to the product's key stock and its stock; returns how many were new. */
  uploadKeys(ctx: TenantContext, productId: string, text: string): Promise<{ added: number; duplicates: number; available: number }>;
  /** In the payment's transaction: keys (and links) for the order's digital products. */
  deliverForOrder(tx: Tx, args: { tenantId: string; orderId: string }): Promise<DeliveredItem[]>;
  /** In the refund's transaction: the order's keys of `productIds` (all when omitted) become REVOKED. */
  revokeForOrder(tx: Tx, args: { tenantId: string; orderId: string; productIds?: string[] }): Promise<number>;
  /** What the order delivered, for its receipt and detail (REVOKED keys marked). */
  forOrder(
    tenantId: string,
    orderId: string,
  ): Promise<{ productId: string; productName: string; code: string | null; downloadUrl: string | null; revoked: boolean }[]>;
}

export function createDigitalGoods(deps: { db: Db; bus: EventBus; audit: AuditService; now: () => Date }): DigitalGoods {
  return {
    async uploadKeys(ctx, productId, text) {
      const keys = parseKeyUpload(text);
      if (keys.length === 0)
        throw new AppError('VALIDATION_FAILED', 'No keys found: paste one key per line, or a CSV with the key in the first column.');
      return withTransaction(deps.db, async (tx) => {
        const locked = await tx.$queryRaw<
          { id: string }[]
        >`SELECT id FROM products WHERE id = ${productId} AND "tenantId" = ${ctx.tenantId} FOR UPDATE`;
        if (locked.length === 0) throw new AppError('NOT_FOUND', 'Product not found.');
        const { count } = await tx.productKey.createMany({
          data: keys.map((code) => ({ tenantId: ctx.tenantId, productId, code })),
          skipDuplicates: true,
        });
        await tx.product.update({
          where: { id: productId },
          data: { digitalKind: 'LICENSE_KEY', trackStock: true, stock: { increment: count } },
        });
        const available = await tx.productKey.count({ where: { productId, status: 'AVAILABLE' } });
        await deps.audit.record(tx, ctx, {
          action: 'product.keys_uploaded',
          entityType: 'Product',
          entityId: productId,
          after: { added: count, duplicates: keys.length - count, available },
        });
        return { added: count, duplicates: keys.length - count, available };
      });
    },

    async deliverForOrder(tx, { tenantId, orderId }) {
      const order = await tx.order.findFirstOrThrow({
        where: { id: orderId, tenantId },
        select: { customerId: true, items: { select: { productId: true, quantity: true } } },
      });
      const products = await tx.product.findMany({
        where: { tenantId, id: { in: order.items.map((i) => i.productId) }, digitalKind: { not: null } },
        select: { id: true, name: true, digitalKind: true, downloadUrl: true },
      });
      if (products.length === 0) return [];
      const delivered: DeliveredItem[] = [];
      const now = deps.now();
      for (const p of products) {
        if (p.digitalKind === 'DOWNLOAD_LINK') {
          delivered.push({ productId: p.id, productName: p.name, keys: [], downloadUrl: p.downloadUrl });
          continue;
        }
        const quantity = order.items.filter((i) => i.productId === p.id).reduce((n, i) => n + i.quantity, 0);
        // Already delivered (a repeated confirmation): keep what the order has.
        const had = await tx.productKey.count({ where: { orderId, productId: p.id } });
        const wanted = Math.max(0, quantity - had);
        const taken =
          wanted === 0
            ? []
            : await tx.$queryRaw<{ code: string }[]>`
          UPDATE product_keys SET status = 'DELIVERED', "orderId" = ${orderId}, "customerId" = ${order.customerId}, "deliveredAt" = ${now}
          WHERE id IN (
            SELECT id FROM product_keys WHERE "productId" = ${p.id} AND status = 'AVAILABLE'
            ORDER BY "createdAt", id LIMIT ${wanted} FOR UPDATE SKIP LOCKED
          ) RETURNING code`;
        const short = wanted - taken.length;
        delivered.push({ productId: p.id, productName: p.name, keys: taken.map((k) => k.code), downloadUrl: null });
        const available = await tx.productKey.count({ where: { productId: p.id, status: 'AVAILABLE' } });
        if (short > 0) {
          await deps.audit.record(
            tx,
            { tenantId, actor: systemActor },
            {
              action: 'product.keys_short',
              entityType: 'Order',
              entityId: orderId,
              after: { productId: p.id, wanted, delivered: taken.length },
            },
          );
        }
        // One pending alert per product (the job key replaces an unsent one with the latest numbers), so a
        // burst of sales at the end of the stock posts once, not once per sale.
        if (short > 0 || available <= LOW_KEY_STOCK) {
          const alert: KeysLowPayload = { tenantId, productId: p.id, productName: p.name, available, short };
          await deps.bus.emit(tx, DIGITAL_EVENTS.keysLow, alert, { jobKey: `keys-low:${p.id}` });
        }
      }
      // No separate DM: the order's receipt (order.paid, emitted in this same transaction) carries them.
      return delivered;
    },

    async revokeForOrder(tx, { tenantId, orderId, productIds }) {
      const keys = await tx.productKey.findMany({
        where: { tenantId, orderId, status: 'DELIVERED', ...(productIds ? { productId: { in: productIds } } : {}) },
        select: { id: true, productId: true },
      });
      if (keys.length === 0) return 0;
      await tx.productKey.updateMany({
        where: { id: { in: keys.map((k) => k.id) }, status: 'DELIVERED' },
        data: { status: 'REVOKED', revokedAt: deps.now() },
      });
      for (const productId of new Set(keys.map((k) => k.productId))) {
        await tx.$executeRaw(Prisma.sql`
          UPDATE products SET stock = LEAST(stock, (SELECT count(*)::int FROM product_keys WHERE "productId" = ${productId} AND status = 'AVAILABLE'))
          WHERE id = ${productId}`);
      }
      return keys.length;
    },

    async forOrder(tenantId, orderId) {
      const keys = await deps.db.productKey.findMany({
        where: { tenantId, orderId },
        include: { product: { select: { name: true } } },
        orderBy: [{ deliveredAt: 'asc' }, { id: 'asc' }],
      });
      const order = await deps.db.order.findFirst({
        where: { id: orderId, tenantId },
        select: { status: true, items: { select: { productId: true } } },
      });
      const links =
        order && !['PENDING_PAYMENT', 'CANCELLED', 'REFUNDED'].includes(order.status)
          ? await deps.db.product.findMany({
              where: { tenantId, id: { in: order.items.map((i) => i.productId) }, digitalKind: 'DOWNLOAD_LINK' },
              select: { id: true, name: true, downloadUrl: true },
            })
          : [];
      return [
        ...keys.map((k) => ({
          productId: k.productId,
          productName: k.product.name,
          code: k.code,
          downloadUrl: null,
          revoked: k.status === 'REVOKED',
        })),
        ...links.map((l) => ({ productId: l.id, productName: l.name, code: null, downloadUrl: l.downloadUrl, revoked: false })),
      ];
    },
  };
}
