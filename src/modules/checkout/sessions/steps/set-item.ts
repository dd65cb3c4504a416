// Session steps: a line's quantity (the product rules of selection-rules.ts, fast path and long way).
import { z } from 'zod';
import { Prisma } from '../../../../platform/db/prisma.js';
import { AppError } from '../../../../platform/errors.js';
import { parseInput } from '../../../../platform/validate.js';
import { assertRules, guardSql, productRules } from '../../selection-rules.js';
import { isShippedGoods, shippedGoodsSql } from '../../../catalog/shipped-goods.js';
import { offerableAddresses, savedAddressesSql, type SavedAddress } from '../../../customers/address.store.js';
import { toSessionView, type LoadedProduct } from '../session-store.js';
import type { OrderSessionService } from '../order-session.api.js';
import { STATE_WITH_ITEMS, type StepContext } from '../step-runner.js';

/** The most units of one product an order line may hold (the quantity modal and the slash options say so too). */
export const MAX_LINE_QUANTITY = 999;

const setItemSchema = z.object({
  productId: z.string().min(1).max(64),
  /** The new quantity of the line; 0 removes it. */
  quantity: z.coerce.number().int().min(0).max(MAX_LINE_QUANTITY),
  memberRoleIds: z.array(z.string()).max(250),
});

export function createItemSteps(ctx: StepContext): Pick<OrderSessionService, 'setItem' | 'removeItem' | 'lineQuantityForMember'> {
  const { sql, step, fastStep, clock } = ctx;

  return {
    async setItem(tenantId, customerId, input) {
      const { productId, quantity, memberRoleIds } = parseInput(setItemSchema, input, 'item');
      // The product rules (selection-rules.ts): the fast path's guard and the long way's errors.
      const rules = productRules({ quantity, memberRoleIds });
      if (quantity > 0) {
        // Fast path: the same checks as below (product active and the tenant's, role gate, currency, early
        // stock check), the session write and the item upsert in one statement. It also reads the product
        // and, when the session has no address yet (the address step comes next), the saved addresses.
        const fast = await fastStep<{ product: LoadedProduct; addresses: SavedAddress[] | null }>(tenantId, customerId, {
          guard: Prisma.sql`EXISTS (SELECT 1 FROM products p WHERE p.id = ${productId} AND ${guardSql(rules)})`,
          // Goods to ship put in a cart whose chosen shipping type is digital-only take that choice back (the
          // flow asks for shipping again; selection-rules.ts shipping.digitalOnly would refuse it at review).
          set: Prisma.sql`state = ${STATE_WITH_ITEMS}, "shippingTypeId" = CASE WHEN EXISTS (SELECT 1 FROM shipping_types x, products p
              WHERE x.id = s."shippingTypeId" AND x."digitalOnly" AND p.id = ${productId} AND ${shippedGoodsSql('p')}) THEN NULL ELSE s."shippingTypeId" END`,
          ctes: Prisma.sql`, item AS (
              INSERT INTO order_session_items ("sessionId", "productId", quantity)
              SELECT id, ${productId}, ${quantity} FROM cas
              ON CONFLICT ("sessionId", "productId") DO UPDATE SET quantity = EXCLUDED.quantity RETURNING 1)`,
          extra: Prisma.sql`json_build_object(
            'product', (SELECT json_build_object('id', p.id, 'tenantId', p."tenantId", 'sku', p.sku, 'name', p.name, 'unitPriceCents', p."unitPriceCents",
              'currency', p.currency, 'active', p.active, 'requiredRoleIds', p."requiredRoleIds", 'trackStock', p."trackStock", 'stock', p.stock,
              'digitalKind', p."digitalKind", 'grantedRoleIds', p."grantedRoleIds")
              FROM products p WHERE p.id = ${productId}),
            'addresses', CASE WHEN s."addressId" IS NULL AND s."pendingAddress" IS NULL THEN ${savedAddressesSql(tenantId, customerId)} END)`,
        });
        if (fast) {
          // `extra.product` is the product the guard just matched, read in the same statement.
          const { product, addresses } = fast.extra!;
          const line = { productId, quantity, product };
          const items = fast.items.some((i) => i.productId === productId)
            ? fast.items.map((i) => (i.productId === productId ? line : i))
            : [...fast.items, line];
          return { ...toSessionView({ ...fast, items }), ...(addresses ? { savedAddresses: offerableAddresses(addresses) } : {}) };
        }
      }
      return step(tenantId, customerId, async (s) => {
        if (quantity === 0) return { patch: { items: s.items.filter((i) => i.productId !== productId) }, item: { remove: productId } };
        const products = await sql.query<LoadedProduct>(Prisma.sql`
          SELECT id, "tenantId", sku, name, "unitPriceCents", currency, active, "requiredRoleIds", "trackStock", stock,
            "digitalKind"::text AS "digitalKind", "grantedRoleIds"
          FROM products WHERE id = ${productId} AND "tenantId" = ${tenantId}`);
        const product = products[0];
        if (!product) throw new AppError('NOT_FOUND', 'That product is not available.', { productId });
        assertRules(rules, { tenant: s.tenant, product, choosing: true });
        const line = { productId, quantity, product };
        const items = s.items.some((i) => i.productId === productId)
          ? s.items.map((i) => (i.productId === productId ? line : i))
          : [...s.items, line];
        // As the fast path: goods to ship drop a digital-only shipping choice.
        const dropShipping = !!s.shippingType?.digitalOnly && isShippedGoods(product);
        return {
          patch: { items, ...(dropShipping ? { shippingTypeId: null, shippingType: null } : {}) },
          item: { upsert: { productId, quantity } },
        };
      });
    },

    async lineQuantityForMember(tenantId, discordUserId, productId) {
      // ONE statement (it runs before a modal opens: Discord's 3 s, no deferral), as shippingChoicesForMember.
      const rows = await sql.query<{ quantity: number }>(Prisma.sql`
        SELECT i.quantity FROM order_session_items i
          JOIN order_sessions s ON s.id = i."sessionId" JOIN customers c ON c.id = s."customerId"
          WHERE c."tenantId" = ${tenantId} AND c."discordUserId" = ${discordUserId} AND s."tenantId" = ${tenantId}
            AND s."activeSlot" = 1 AND s."expiresAt" > ${clock.now()} AND i."productId" = ${productId}`);
      return rows[0]?.quantity ?? 0;
    },

    async removeItem(tenantId, customerId, productId) {
      const id = String(productId);
      return step(tenantId, customerId, async (s) => ({
        patch: { items: s.items.filter((i) => i.productId !== id) },
        item: { remove: id },
      }));
    },
  };
}
