// Customers -> a customer -> "Erase personal data": a button (button-action.ts) whose guard is the confirmation,
// saying what is erased and what is kept in the module's own words (customers/erase-customer.ts ERASED, KEPT).
// Shop admins only (canManage); staff do not see it and AdminJS refuses its API route to them (403).
import type { ActionContext, ActionRequest, Action, ActionResponse, RecordActionResponse } from 'adminjs';
import { ERASED, KEPT } from '../../../modules/customers/erase-customer.js';
import type { Logger } from '../../../platform/logger.js';
import { tenantContextOf } from '../auth/panel-admin.js';
import type { Services } from '../services.js';
import { canManage } from './access.js';
import { errorNotice } from './admin-errors.js';
import { buttonAction } from './button-action.js';
import { countWords } from '../../../platform/count-words.js';

/** The confirmation an admin answers before the erasure. */
export const ERASE_CONFIRMATION =
  `Erase this customer's personal data? This cannot be undone. Erased: ${ERASED.join('; ')}. ` +
  `Kept: ${KEPT.join('; ')}. Refused, with nothing changed, while an order still needs the address.`;

export function eraseCustomerAction(services: Pick<Services, 'customers' | 'logger'>): Partial<Action<ActionResponse>> {
  const logger: Logger = services.logger.child({ surface: 'admin', resource: 'Customer' });
  return buttonAction({
    actionType: 'record',
    icon: 'UserX',
    variant: 'danger',
    guard: ERASE_CONFIRMATION,
    isAccessible: canManage,
    handler: async (_request: ActionRequest, _response: unknown, context: ActionContext): Promise<RecordActionResponse> => {
      const id = context.record!.id();
      try {
        const result = await services.customers.erase(tenantContextOf(context), id);
        const fresh = (await context.resource.findOne(id, context)) ?? context.record!;
        return {
          record: fresh.toJSON(context.currentAdmin),
          redirectUrl: context.h.recordActionUrl({ resourceId: context.resource.id(), recordId: id, actionName: 'show' }),
          notice: {
            message: `Personal data erased: the customer is now "${result.customer.displayName}". ${countWords(result.orders, 'order')} kept, ${countWords(result.addressesDeleted, 'saved address', 'saved addresses')} deleted.`,
            type: 'success',
          },
        };
      } catch (err) {
        return errorNotice(err, context, logger);
      }
    },
  });
}
