// Customers, their saved addresses, discounts and discount assignments.
import type { ActionResponse, After, ResourceWithOptions } from 'adminjs';
import { formatMoney } from '../../../platform/money.js';
import { formatDateTime } from '../../../platform/time-format.js';
import type { AdminComponents } from '../components/component-loader.js';
import { z } from 'zod';
import type { Clock } from '../../../platform/clock.js';
import type { Db } from '../../../platform/db/prisma.js';
import { addressInputSchema } from '../../../modules/customers/address.schema.js';
import { SHOWN_PARAM, type ScopedPrismaResource, type ScopedResourceOptions } from '../adapter/scoped-resource.js';
import { parseShown } from '../../../platform/form-edits.js';
import { tenantContextOf } from '../auth/panel-admin.js';
import { discountAssignmentForm, discountForm } from '../schemas/discount.schema.js';
import { formBool, formId, formOptionalText } from '../schemas/form-fields.js';
import { canManage, never, tenantCrud, tenantReadOnly, validatedTenantCrud } from './access.js';
import { enumProperty } from './enum-columns.js';
import { moneyColumns, moneyProperty } from './money-columns.js';
import { amountsCurrency } from './shop-currency.rules.js';
import { customerLabel } from './order-view.js';
import { eraseCustomerAction } from './customer-erase.action.js';
import type { Services } from '../services.js';
import { assertOwnedReference } from './owned-references.js';
import { validatePayload } from './validation.js';
import {
  DISCOUNT_SCOPE_BADGES,
  DISCOUNT_SCOPE_LABELS,
  DISCOUNT_TYPE_BADGES,
  DISCOUNT_TYPE_LABELS,
  labelOf,
  ORDER_STATUS_BADGES,
  ORDER_STATUS_LABELS,
} from '../presentation/labels.js';
import { shopTimeZone } from '../shop-time-zone.js';
import { likeLiteral } from '../../../platform/db/like-text.js';

const sales = { name: 'Sales', icon: 'ShoppingCart' };
const catalog = { name: 'Catalog', icon: 'Package' };

const customerForm = z.object({ displayName: formOptionalText(100) });

/**
 * An admin names the customer: the name is theirs from now on (a click no longer copies the Discord name
 * over it, customer.service.ts); saved empty, the customer follows their Discord name again. The Discord
 * username is Discord's and not editable here.
 */
function customerName(clock: Clock) {
  return validatePayload(customerForm, {
    map: (data, request, context) => {
      const name = (data.displayName as string | null | undefined) ?? null;
      // Saved as the form showed it (or, without that, as stored), the name is not the admin's: nothing changes.
      const shown = parseShown(request.payload?.[SHOWN_PARAM]) ?? context.record?.params ?? {};
      if (name === ((shown.displayName as string | null | undefined) ?? null)) return { displayName: name };
      return { displayName: name, displayNameSetByAdminAt: name === null ? null : clock.now().toISOString() };
    },
  });
}

/** The customer's page lists their orders (newest first), formatted for components/customer-orders.tsx. */
function customerOrders(db: Db): After<ActionResponse> {
  return async (response, _request, context) => {
    const record = response.record as { id?: string; params: Record<string, unknown> } | undefined;
    if (!record?.id) return response;
    const { tenantId } = tenantContextOf(context);
    const [orders, timeZone] = await Promise.all([
      db.order.findMany({
        where: { tenantId, customerId: record.id },
        orderBy: { createdAt: 'desc' },
        take: 100,
        select: { id: true, number: true, status: true, totalCents: true, currency: true, createdAt: true },
      }),
      shopTimeZone(db, tenantId),
    ]);
    record.params.customerOrdersJson = JSON.stringify(
      orders.map((o) => ({
        id: o.id,
        number: o.number,
        url: context.h.recordActionUrl({ resourceId: 'Order', recordId: o.id, actionName: 'show' }),
        when: formatDateTime(o.createdAt, timeZone),
        status: labelOf(ORDER_STATUS_LABELS, o.status),
        badge: ORDER_STATUS_BADGES[o.status],
        total: formatMoney(o.totalCents, o.currency),
      })),
    );
    return response;
  };
}

/**
 * The Customer resource's adapter options (admin.router.ts passes them to the scoped resource). A customer is
 * named as everywhere in the panel (order-view.ts customerLabel): the name, else the Discord username, else the
 * Discord id; Discord users without a global name arrive with a username only. That label (`name`) is the
 * customer's title, so the customer selects of other forms (discount assignments, addresses) find a customer by
 * name, username or id and name them by it, and a page that links a customer names them instead of showing an id.
 */
export function customerResourceOptions(): ScopedResourceOptions {
  return {
    present: (values, row) => ({ ...values, name: customerLabel(row as Parameters<typeof customerLabel>[0]) }),
    textSearch: {
      param: 'name',
      where: (term) => {
        // As typed: "%" or "_" is not a wildcard (platform/db/like-text.ts).
        const asTyped = likeLiteral(term);
        return {
          OR: [
            { displayName: { contains: asTyped, mode: 'insensitive' } },
            { username: { contains: asTyped, mode: 'insensitive' } },
            { discordUserId: term },
          ],
        };
      },
    },
    sortAliases: { name: 'displayName' },
  };
}

export function customerResource(
  resource: ScopedPrismaResource,
  db: Db,
  components: AdminComponents,
  clock: Clock,
  services: Pick<Services, 'customers' | 'logger'>,
): ResourceWithOptions {
  return {
    resource,
    options: {
      id: 'Customer',
      navigation: sales,
      sort: { sortBy: 'createdAt', direction: 'desc' },
      listProperties: ['name', 'username', 'discordUserId', 'createdAt'],
      showProperties: [
        'id',
        'displayName',
        'displayNameSetByAdminAt',
        'username',
        'discordUserId',
        'dmClosedAt',
        'createdAt',
        'updatedAt',
        'customerOrders',
      ],
      editProperties: ['displayName'],
      filterProperties: ['displayName', 'username', 'discordUserId'],
      properties: {
        // The customer as the panel names them (customerResourceOptions); the name an admin sets is displayName.
        name: { isTitle: true, type: 'string', isVisible: { list: true, filter: false, edit: false, show: false } },
        displayName: {
          description: "While set here, the customer's Discord name no longer replaces it. Leave empty to follow their Discord name again.",
        },
        displayNameSetByAdminAt: { isVisible: { list: false, filter: false, edit: false, show: true } },
        customerOrders: {
          type: 'string',
          components: { show: components.CustomerOrders },
          isVisible: { list: false, filter: false, edit: false, show: true },
        },
        customerOrdersJson: { isVisible: false },
      },
      actions: {
        ...tenantReadOnly,
        show: { ...tenantReadOnly.show, after: customerOrders(db) },
        // Customers are created by their first Discord order; an admin may correct how they are named.
        edit: { isAccessible: canManage, before: customerName(clock) },
        // A deletion request (GDPR, CCPA): docs/decisions/personal-data.md.
        erasePersonalData: eraseCustomerAction(services),
      },
    },
  };
}

export function addressResource(db: Db, resource: ScopedPrismaResource, components: AdminComponents): ResourceWithOptions {
  // nameTyped (customers/address.store.ts hasTypedRecipient), saved as the box shows it: an admin who corrects the
  // recipient of an address saved before Discord's address form asked for it ticks it, as for a new one they name.
  // Ticked without a name would read as confirmed while the customer is still asked (hasTypedRecipient needs one).
  const schema = addressInputSchema.extend({ customer: formId, nameTyped: formBool }).superRefine((a, ctx) => {
    if (a.nameTyped && !a.name) {
      ctx.addIssue({ code: 'custom', path: ['nameTyped'], message: "Enter the recipient's name to confirm it, or untick this box." });
    }
  });
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
      editProperties: ['customer', 'name', 'nameTyped', 'line1', 'line2', 'city', 'state', 'postalCode', 'country'],
      showProperties: [
        'id',
        'customer',
        'name',
        'nameTyped',
        'line1',
        'line2',
        'city',
        'state',
        'postalCode',
        'country',
        'lastUsedAt',
        'createdAt',
      ],
      properties: {
        line1: { isTitle: true },
        nameTyped: {
          // The words under the box, readable and tappable on a phone (not AdminJS's "?" inside the label).
          components: { edit: components.CheckBoxWithHelp },
          description:
            'Ticked: orders ship to this name as it is. Unticked (as for an address saved before the Discord address form asked for the recipient, which holds their Discord name or none): the customer is asked for the name when they pick this address.',
        },
      },
      actions: validatedTenantCrud({ validate }),
    },
  };
}

export function discountResource(db: Db, resource: ScopedPrismaResource, components: AdminComponents): ResourceWithOptions {
  const money = moneyColumns(db, { amountOffCents: 'amountOff', minSubtotalCents: 'minSubtotal' });
  const validate = validatePayload(async (_raw, context) => discountForm(await amountsCurrency(db, context)));
  return {
    resource,
    options: {
      id: 'Discount',
      navigation: catalog,
      listProperties: ['name', 'type', 'percentOff', 'amountOff', 'scope', 'active', 'usedCount'],
      showProperties: [
        'id',
        'name',
        'type',
        'percentOff',
        'amountOff',
        'scope',
        'startsAt',
        'endsAt',
        'minSubtotal',
        'maxUses',
        'maxUsesPerCustomer',
        'usedCount',
        'active',
        'createdAt',
      ],
      editProperties: [
        'name',
        'type',
        'percentOff',
        'amountOff',
        'scope',
        'startsAt',
        'endsAt',
        'minSubtotal',
        'maxUses',
        'maxUsesPerCustomer',
        'active',
      ],
      // No money filters (amount off, minimum subtotal): formatted columns, which AdminJS cannot filter by.
      filterProperties: ['name', 'type', 'scope', 'active', 'startsAt', 'endsAt'],
      properties: {
        name: { isTitle: true },
        amountOff: moneyProperty(components, {
          type: 'string',
          isSortable: false,
          description: "For fixed-amount discounts, in the shop's currency, e.g. 5.00.",
        }),
        minSubtotal: moneyProperty(components, {
          type: 'string',
          isSortable: false,
          description: 'The order subtotal needed to use it, e.g. 20.00. Empty: no minimum.',
        }),
        type: enumProperty(components, DISCOUNT_TYPE_LABELS, { badges: DISCOUNT_TYPE_BADGES }),
        percentOff: { description: '1-100, for percent-off discounts.' },
        scope: enumProperty(components, DISCOUNT_SCOPE_LABELS, {
          badges: DISCOUNT_SCOPE_BADGES,
          options: { description: 'Every customer, or only the customers it is assigned to.' },
        }),
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
