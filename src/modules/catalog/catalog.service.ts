// The tenant's catalog: active products and shipping types, sorted for menus.
import type { Product, ShippingType } from '../../generated/prisma/index.js';
import type { Db } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import { memberMayBuy } from './role-gate.js';

export interface CatalogService {
  /** Active products by sortOrder then name; with memberRoleIds, only those that member may buy. */
  listProducts(tenantId: string, opts?: { memberRoleIds?: string[] }): Promise<Product[]>;
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
