// The tenant's catalog: active products and shipping types, sorted for menus.
import type { Prisma, Product, ShippingType } from '../../generated/prisma/index.js';
import type { Db } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import { memberMayBuy } from './role-gate.js';

/** Where a page of products ends: the menu order's sort key of its last product. */
export interface ProductBoundary { sortOrder: number; name: string; id: string }

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

export function createCatalogService(deps: { db: Db }): CatalogService {
  const { db } = deps;
  return {
    async listProducts(tenantId, opts = {}) {
      const products = await db.product.findMany({ where: { tenantId, active: true }, orderBy: [{ sortOrder: 'asc' }, { name: 'asc' }, { id: 'asc' }] });
      const roles = opts.memberRoleIds;
      return roles ? products.filter((p) => memberMayBuy(p, roles)) : products;
    },
    async listProductsPage(tenantId, opts) {
      const and: Prisma.ProductWhereInput[] = [];
      if (opts.q) and.push({ OR: [{ name: { contains: opts.q, mode: 'insensitive' } }, { sku: { contains: opts.q, mode: 'insensitive' } }] });
      if (opts.inStock === true) and.push({ OR: [{ trackStock: false }, { stock: { gt: 0 } }] });
      if (opts.inStock === false) and.push({ trackStock: true, stock: { lte: 0 } });
      const a = opts.after;
      if (a) {
        and.push({ OR: [
          { sortOrder: { gt: a.sortOrder } },
          { sortOrder: a.sortOrder, name: { gt: a.name } },
          { sortOrder: a.sortOrder, name: a.name, id: { gt: a.id } },
        ] });
      }
      return db.product.findMany({ where: { tenantId, active: true, AND: and }, orderBy: [{ sortOrder: 'asc' }, { name: 'asc' }, { id: 'asc' }], take: opts.limit });
    },
    async getProduct(tenantId, productId) {
      const p = await db.product.findFirst({ where: { id: productId, tenantId } });
      if (!p) throw new AppError('NOT_FOUND', 'Product not found');
      return p;
    },
    async listShippingTypes(tenantId) {
      return db.shippingType.findMany({ where: { tenantId, active: true }, orderBy: [{ sortOrder: 'asc' }, { priceCents: 'asc' }, { id: 'asc' }] });
    },
  };
}
