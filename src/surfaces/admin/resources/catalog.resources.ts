// Catalog: products and shipping types (tenant admins write, staff read), validated with zod.
import type { ResourceWithOptions } from 'adminjs';
import type { Db } from '../../../platform/db/prisma.js';
import type { ScopedPrismaResource } from '../adapter/scoped-resource.js';
import { productForm, shippingTypeForm } from '../schemas/catalog.schema.js';
import { validatedTenantCrud } from './access.js';
import { moneyColumns } from './money-columns.js';
import { validatePayload } from './validation.js';

const catalog = { name: 'Catalog', icon: 'Package' };

export function productResource(db: Db, resource: ScopedPrismaResource): ResourceWithOptions {
  const money = moneyColumns(db, { unitPriceCents: 'price' });
  const validate = validatePayload(productForm);
  return {
    resource,
    options: {
      id: 'Product',
      navigation: catalog,
      sort: { sortBy: 'sortOrder', direction: 'asc' },
      listProperties: ['sku', 'name', 'price', 'active', 'trackStock', 'stock'],
      showProperties: ['id', 'sku', 'name', 'description', 'price', 'currency', 'active', 'requiredRoleIds', 'grantedRoleIds', 'trackStock', 'stock', 'sortOrder', 'createdAt', 'updatedAt'],
      editProperties: ['sku', 'name', 'description', 'unitPriceCents', 'currency', 'active', 'requiredRoleIds', 'grantedRoleIds', 'trackStock', 'stock', 'sortOrder'],
      filterProperties: ['sku', 'name', 'active'],
      properties: {
        name: { isTitle: true },
        description: { type: 'textarea' },
        price: { type: 'string', isSortable: false },
        unitPriceCents: { description: 'Price in cents (2500 = $25.00).' },
        requiredRoleIds: { description: 'Discord role ids: a member needs one of them to buy this (empty: anyone).' },
        grantedRoleIds: { description: 'Discord role ids granted when an order with this product is paid.' },
        stock: { description: 'Units available to sell (used when stock tracking is on).' },
      },
      actions: validatedTenantCrud({ validate, money }),
    },
  };
}

export function shippingTypeResource(db: Db, resource: ScopedPrismaResource): ResourceWithOptions {
  const money = moneyColumns(db, { priceCents: 'price' });
  const validate = validatePayload(shippingTypeForm);
  return {
    resource,
    options: {
      id: 'ShippingType',
      navigation: catalog,
      sort: { sortBy: 'sortOrder', direction: 'asc' },
      listProperties: ['name', 'price', 'active', 'sortOrder'],
      showProperties: ['id', 'name', 'price', 'active', 'sortOrder', 'createdAt'],
      editProperties: ['name', 'priceCents', 'active', 'sortOrder'],
      properties: {
        name: { isTitle: true },
        price: { type: 'string', isSortable: false },
        priceCents: { description: 'Price in cents.' },
      },
      actions: validatedTenantCrud({ validate, money }),
    },
  };
}
