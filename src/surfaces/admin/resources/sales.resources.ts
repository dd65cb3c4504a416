// Customers, their saved addresses, discounts and discount assignments.
import type { ResourceWithOptions } from 'adminjs';
import { z } from 'zod';
import type { Db } from '../../../platform/db/prisma.js';
import { addressInputSchema } from '../../../modules/customers/address.schema.js';
import type { ScopedPrismaResource } from '../adapter/scoped-resource.js';
import { tenantContextOf } from '../auth/panel-admin.js';
import { discountAssignmentForm, discountForm } from '../schemas/discount.schema.js';
import { formId, formOptionalText } from '../schemas/form-fields.js';
import { canManage, never, tenantCrud, tenantReadOnly, validatedTenantCrud } from './access.js';
import { moneyColumns } from './money-columns.js';
import { assertOwnedReference } from './owned-references.js';
import { validatePayload } from './validation.js';

const sales = { name: 'Sales', icon: 'ShoppingCart' };
const catalog = { name: 'Catalog', icon: 'Package' };

const customerForm = z.object({ username: formOptionalText(100), displayName: formOptionalText(100) });

export function customerResource(resource: ScopedPrismaResource): ResourceWithOptions {
  return {
    resource,
    options: {
      id: 'Customer',
      navigation: sales,
      sort: { sortBy: 'createdAt', direction: 'desc' },
      listProperties: ['displayName', 'username', 'discordUserId', 'createdAt'],
      showProperties: ['id', 'displayName', 'username', 'discordUserId', 'dmClosedAt', 'createdAt', 'updatedAt'],
      editProperties: ['displayName', 'username'],
      filterProperties: ['displayName', 'username', 'discordUserId'],
      properties: { displayName: { isTitle: true } },
      actions: {
        ...tenantReadOnly,
        // Customers are created by their first Discord order; an admin may correct how they are named.
        edit: { isAccessible: canManage, before: validatePayload(customerForm) },
      },
    },
  };
}

export function addressResource(db: Db, resource: ScopedPrismaResource): ResourceWithOptions {
  const schema = addressInputSchema.extend({ customer: formId });
  const validate = validatePayload(schema, {
    map: async (data, _request, context) => {
      await assertOwnedReference(db, tenantContextOf(context).tenantId, 'customer', data.customer, 'customer');
      return { ...data, name: data.name ?? null, line2: data.line2 ?? null, state: data.state ?? null };
    },
  });
  return {
    resource,
    options: {
      id: 'Address',
      navigation: sales,
      listProperties: ['customer', 'name', 'line1', 'city', 'postalCode', 'country'],
      editProperties: ['customer', 'name', 'line1', 'line2', 'city', 'state', 'postalCode', 'country'],
      showProperties: ['id', 'customer', 'name', 'line1', 'line2', 'city', 'state', 'postalCode', 'country', 'lastUsedAt', 'createdAt'],
      properties: { line1: { isTitle: true } },
      actions: validatedTenantCrud({ validate }),
    },
  };
}

export function discountResource(db: Db, resource: ScopedPrismaResource): ResourceWithOptions {
  const money = moneyColumns(db, { amountOffCents: 'amountOff', minSubtotalCents: 'minSubtotal' });
  const validate = validatePayload(discountForm);
  return {
    resource,
    options: {
      id: 'Discount',
      navigation: catalog,
      listProperties: ['name', 'type', 'percentOff', 'amountOff', 'scope', 'active', 'usedCount'],
      showProperties: ['id', 'name', 'type', 'percentOff', 'amountOff', 'scope', 'startsAt', 'endsAt', 'minSubtotal', 'maxUses', 'maxUsesPerCustomer', 'usedCount', 'active', 'createdAt'],
      editProperties: ['name', 'type', 'percentOff', 'amountOffCents', 'scope', 'startsAt', 'endsAt', 'minSubtotalCents', 'maxUses', 'maxUsesPerCustomer', 'active'],
      properties: {
        name: { isTitle: true },
        amountOff: { type: 'string', isSortable: false },
        minSubtotal: { type: 'string', isSortable: false },
        percentOff: { description: '1-100, for PERCENT discounts.' },
        amountOffCents: { description: 'In cents, for FIXED_AMOUNT discounts.' },
        scope: { description: 'GLOBAL: every customer; ASSIGNED: only customers it is assigned to.' },
      },
      actions: validatedTenantCrud({ validate, money }),
    },
  };
}

export function discountAssignmentResource(db: Db, resource: ScopedPrismaResource): ResourceWithOptions {
  const validate = validatePayload(discountAssignmentForm, {
    map: async (data, _request, context) => {
      const { tenantId } = tenantContextOf(context);
      await assertOwnedReference(db, tenantId, 'discount', data.discount, 'discount');
      await assertOwnedReference(db, tenantId, 'customer', data.customer, 'customer');
      return data;
    },
  });
  return {
    resource,
    options: {
      id: 'DiscountAssignment',
      navigation: catalog,
      listProperties: ['discount', 'customer', 'usedCount', 'createdAt'],
      editProperties: ['discount', 'customer'],
      showProperties: ['id', 'discount', 'customer', 'usedCount', 'createdAt'],
      actions: { ...tenantCrud, new: { ...tenantCrud.new, before: validate }, edit: { isAccessible: never } },
    },
  };
}
