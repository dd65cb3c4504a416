// Catalog: products and shipping types (tenant admins write, staff read), validated with zod.
import { ValidationError, type ActionResponse, type After, type ResourceWithOptions } from 'adminjs';
import type { Db, Tx } from '../../../platform/db/prisma.js';
import { AppError } from '../../../platform/errors.js';
import { assertProductNotOrdered } from '../../../modules/catalog/ordered-product.js';
import type { ScopedPrismaResource } from '../adapter/scoped-resource.js';
import { productForm, shippingTypeForm } from '../schemas/catalog.schema.js';
import { canManage, validatedTenantCrud } from './access.js';
import { enumProperty } from './enum-columns.js';
import { moneyColumns, moneyProperty } from './money-columns.js';
import { amountsCurrency } from './shop-currency.rules.js';
import { validatePayload } from './validation.js';
import type { RoleRepairService } from '../../../modules/entitlements/role-repair.service.js';
import type { Logger } from '../../../platform/logger.js';
import { checkRolesAction, uploadKeysAction, withRoleCheck } from './role-check.hook.js';
import type { DigitalGoods } from '../../../modules/entitlements/digital-goods.js';
import type { AdminComponents } from '../components/component-loader.js';
import { buttonAction } from './button-action.js';
import { DIGITAL_KIND_LABELS } from '../presentation/labels.js';

const catalog = { name: 'Catalog', icon: 'Package' };

/** A product that does not track stock has no stock count to show: it says so instead of "0". */
const stockShown: After<ActionResponse> = async (response) => {
  const records = (response.records ?? (response.record ? [response.record] : [])) as { params: Record<string, unknown> }[];
  for (const r of records) {
    const tracked = r.params.trackStock === true || r.params.trackStock === 'true';
    r.params.stockShown = tracked ? String(r.params.stock ?? 0) : 'Not tracked';
  }
  return response;
};

/**
 * The Product resource's `refusesDelete` rule (ScopedResourceOptions): a product on an order is not deleted
 * (the catalog module's rule); the refusal is the delete's notice and nothing is deleted.
 */
export async function refusesOrderedProductDelete(tx: Tx, product: Record<string, unknown>): Promise<void> {
  try {
    await assertProductNotOrdered(tx, { tenantId: String(product.tenantId), id: String(product.id), name: String(product.name) });
  } catch (err) {
    if (err instanceof AppError) throw new ValidationError({}, { message: err.message });
    throw err;
  }
}

/** `roles`: the entitlements' role check, run before a save adds granted roles and as "Check roles". */
export function productResource(
  db: Db,
  resource: ScopedPrismaResource,
  components: AdminComponents,
  roles?: { roleRepair: RoleRepairService; logger: Logger; digital?: DigitalGoods; uploadKeysComponent?: string },
): ResourceWithOptions {
  const prices = moneyColumns(db, { unitPriceCents: 'price' });
  const money: After<ActionResponse> = async (response, request, context) =>
    stockShown(await prices(response, request, context), request, context);
  // The price is read in the currency typed in the same form.
  const form = validatePayload((raw) => productForm(typedCurrency(raw.currency)));
  const validate = roles ? withRoleCheck(form, roles.roleRepair) : form;
  return {
    resource,
    options: {
      id: 'Product',
      navigation: catalog,
      sort: { sortBy: 'sortOrder', direction: 'asc' },
      listProperties: ['sku', 'name', 'price', 'active', 'stockShown'],
      showProperties: [
        'id',
        'sku',
        'name',
        'description',
        'price',
        'currency',
        'active',
        'requiredRoleIds',
        'grantedRoleIds',
        'accessDays',
        'digitalKind',
        'downloadUrl',
        'taxCode',
        'trackStock',
        'stockShown',
        'sortOrder',
        'createdAt',
        'updatedAt',
      ],
      editProperties: [
        'sku',
        'name',
        'description',
        'price',
        'currency',
        'active',
        'requiredRoleIds',
        'grantedRoleIds',
        'accessDays',
        'digitalKind',
        'downloadUrl',
        'taxCode',
        'trackStock',
        'stock',
        'sortOrder',
      ],
      filterProperties: ['sku', 'name', 'active'],
      properties: {
        name: { isTitle: true },
        description: { type: 'textarea' },
        price: moneyProperty(components, {
          type: 'string',
          isSortable: false,
          isRequired: true,
          description: 'In the currency below, e.g. 24.50.',
        }),
        requiredRoleIds: {
          components: { edit: components.MultiValue, show: components.MultiValue },
          description: 'Discord roles: a member needs one of them to buy this (none: anyone can).',
        },
        grantedRoleIds: {
          components: { edit: components.MultiValue, show: components.MultiValue },
          description: 'Discord roles granted when an order with this product is paid.',
        },
        digitalKind: enumProperty(components, DIGITAL_KIND_LABELS, {
          options: {
            description:
              'Delivered on payment by DM: a licence key (one key per unit; upload them with "Upload keys"; the stock is the keys) or the download link below.',
          },
        }),
        accessDays: { description: 'Days the granted roles last (empty: for good). Buying again extends from the current end.' },
        stock: { description: 'Units available to sell (used when stock tracking is on).' },
        taxCode: {
          description:
            'TaxJar product tax code, sent with tax calculation and the TaxJar transactions (e.g. 31000 digital goods, 20010 clothing, 40030 food). Empty: taxed as general goods.',
        },
        stockShown: { type: 'string', isSortable: false },
      },
      actions: {
        ...validatedTenantCrud({ validate, money }),
        ...(roles
          ? {
              checkRoles: buttonAction({
                actionType: 'record',
                icon: 'Shield',
                isAccessible: canManage,
                handler: checkRolesAction(roles.roleRepair, roles.logger),
              }),
            }
          : {}),
        ...(roles?.digital
          ? {
              uploadKeys: {
                actionType: 'record',
                icon: 'Key',
                component: roles.uploadKeysComponent,
                isAccessible: canManage,
                handler: uploadKeysAction(roles.digital, roles.logger),
              },
            }
          : {}),
      },
    },
  };
}

export function shippingTypeResource(db: Db, resource: ScopedPrismaResource, components: AdminComponents): ResourceWithOptions {
  const money = moneyColumns(db, { priceCents: 'price' });
  const validate = validatePayload(async (_raw, context) => shippingTypeForm(await amountsCurrency(db, context)));
  return {
    resource,
    options: {
      id: 'ShippingType',
      navigation: catalog,
      sort: { sortBy: 'sortOrder', direction: 'asc' },
      listProperties: ['name', 'price', 'active', 'digitalOnly', 'sortOrder'],
      showProperties: ['id', 'name', 'price', 'active', 'digitalOnly', 'sortOrder', 'createdAt'],
      editProperties: ['name', 'price', 'active', 'digitalOnly', 'sortOrder'],
      // No money filter: the list's price is a formatted column, and the raw cents one reads as "Price Cents".
      filterProperties: ['name', 'active'],
      properties: {
        name: { isTitle: true },
        price: moneyProperty(components, {
          type: 'string',
          isSortable: false,
          isRequired: true,
          description: "In the shop's currency, e.g. 4.95.",
        }),
        digitalOnly: {
          description:
            'Offered only when every item of the order is digital (a licence key, a download or a role), e.g. a free "Digital delivery".',
          // Its explanation under the box, readable on a phone (not behind a "?" inside the label: checkbox-with-help.tsx).
          components: { edit: components.CheckBoxWithHelp },
        },
      },
      actions: validatedTenantCrud({ validate, money }),
    },
  };
}

/** The currency typed in a product form, or USD while it is not one yet (the currency field says so). */
function typedCurrency(value: unknown): string {
  const code = typeof value === 'string' ? value.trim().toUpperCase() : '';
  return /^[A-Z]{3}$/.test(code) ? code : 'USD';
}
