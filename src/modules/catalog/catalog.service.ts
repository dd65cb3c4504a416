// The tenant's catalog: active products and shipping types, sorted for menus.
import type { Product, ShippingType } from '../../generated/prisma/index.js';
import { Prisma, type Db } from '../../platform/db/prisma.js';
import { queryRows, withUtcDates, type SqlRunner } from '../../platform/db/sql.js';
import { likeLiteral } from '../../platform/db/like-text.js';
import { AppError } from '../../platform/errors.js';
import { memberMayBuy } from './role-gate.js';

/** The order products are offered in (over `products p`): sortOrder, then name, then id. */
const MENU_ORDER = Prisma.sql`p."sortOrder", p.name, p.id`;
const PRODUCT_DATE_FIELDS = ['createdAt', 'updatedAt'] as const;

/**
 * A scalar subquery: the tenant's active products as a JSON array in menu order, for a statement that reads
 * them along with its own work (the session step before the product menu); `productsFromJson` turns it into
 * the rows `listProducts` returns. `tenantId` may be a column reference.
 */
export function activeProductsJsonSql(tenantId: string | Prisma.Sql): Prisma.Sql {
  return Prisma.sql`COALESCE((SELECT json_agg(p ORDER BY ${MENU_ORDER}) FROM products p WHERE p."tenantId" = ${tenantId} AND p.active), '[]'::json)`;
}
export function productsFromJson(rows: Record<string, unknown>[]): Product[] {
  return rows.map((r) => withUtcDates<Product>(r, PRODUCT_DATE_FIELDS));
}

/** The products a member may buy (role gates), in the order given. */
export function visibleTo(products: Product[], memberRoleIds: readonly string[]): Product[] {
  return products.filter((p) => memberMayBuy(p, memberRoleIds));
}

/** Where a page of products ends: the menu order's sort key of its last product. */
export interface ProductBoundary {
  sortOrder: number;
  name: string;
  id: string;
}

export interface CatalogService {
  /** Active products by sortOrder then name; with memberRoleIds, only those that member may buy. */
  listProducts(tenantId: string, opts?: { memberRoleIds?: string[] }): Promise<Product[]>;
  /**
   * One page of active products in menu order (sortOrder, name, id), starting after `after`; `limit` rows.
   * `q` matches name or SKU (case-insensitive); `inStock` keeps untracked products and those with stock.
   */
  listProductsPage(tenantId: string, opts: { q?: string; inStock?: boolean; after?: ProductBoundary; limit: number }): Promise<Product[]>;
  /** Any product of the tenant (active or not); NOT_FOUND otherwise. */
  getProduct(tenantId: string, productId: string): Promise<Product>;
  /** Active shipping types by sortOrder then price. */
  listShippingTypes(tenantId: string): Promise<ShippingType[]>;
}

/**
 * `sql` (the plain-SQL client, platform/db/sql.ts) serves the reads when given: every step of the order flow
 * reads the catalog, and through Prisma each read cost ~0.5-1 ms of its query compiler's CPU (issue 16's
 * profile). The rows have the same shape either way (plain columns: text, int, bool, text[], timestamp).
 */
export function createCatalogService(deps: { db: Db; sql?: SqlRunner }): CatalogService {
  const target = deps.sql ?? deps.db;
  return {
    async listProducts(tenantId, opts = {}) {
      const products = await queryRows<Product>(
        target,
        Prisma.sql`SELECT * FROM products p WHERE p."tenantId" = ${tenantId} AND p.active ORDER BY ${MENU_ORDER}`,
      );
      return opts.memberRoleIds ? visibleTo(products, opts.memberRoleIds) : products;
    },
    async listProductsPage(tenantId, opts) {
      const and: Prisma.ProductWhereInput[] = [];
      if (opts.q) {
        // As written: "%" or "_" is not a wildcard (platform/db/like-text.ts).
        const q = likeLiteral(opts.q);
        and.push({ OR: [{ name: { contains: q, mode: 'insensitive' } }, { sku: { contains: q, mode: 'insensitive' } }] });
      }
      if (opts.inStock === true) and.push({ OR: [{ trackStock: false }, { stock: { gt: 0 } }] });
      if (opts.inStock === false) and.push({ trackStock: true, stock: { lte: 0 } });
      const a = opts.after;
      if (a) {
        and.push({
          OR: [
            { sortOrder: { gt: a.sortOrder } },
            { sortOrder: a.sortOrder, name: { gt: a.name } },
            { sortOrder: a.sortOrder, name: a.name, id: { gt: a.id } },
          ],
        });
      }
      return deps.db.product.findMany({
        where: { tenantId, active: true, AND: and },
        orderBy: [{ sortOrder: 'asc' }, { name: 'asc' }, { id: 'asc' }],
        take: opts.limit,
      });
    },
    async getProduct(tenantId, productId) {
      const [p] = await queryRows<Product>(target, Prisma.sql`SELECT * FROM products WHERE id = ${productId} AND "tenantId" = ${tenantId}`);
      if (!p) throw new AppError('NOT_FOUND', 'Product not found');
      return p;
    },
    async listShippingTypes(tenantId) {
      return queryRows<ShippingType>(
        target,
        Prisma.sql`
        SELECT * FROM shipping_types WHERE "tenantId" = ${tenantId} AND active ORDER BY "sortOrder", "priceCents", id`,
      );
    },
  };
}
