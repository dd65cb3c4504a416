// Role grants and removals (Catalog -> Role changes): every entitlement's latest grant or removal, failed
// and pending ones first (the state enum is declared in that order), with Discord's reason in words.
// Retry re-enqueues it through services.roleRepair (the role jobs); "Reconcile now" compares the shop's
// entitlements with its members' roles and gives back what is missing. Nothing here writes a row itself.
import type { ActionContext, ActionRequest, RecordActionResponse, ResourceWithOptions } from 'adminjs';
import type { Services } from '../services.js';
import type { ReconcileReport } from '../../../modules/entitlements/reconcile.js';
import type { ScopedPrismaResource } from '../adapter/scoped-resource.js';
import { tenantContextOf } from '../auth/panel-admin.js';
import { canManage, canRead, tenantReadOnly } from './access.js';
import { errorNotice } from './admin-errors.js';
import { buttonAction } from './button-action.js';
import { enumProperty } from './enum-columns.js';
import type { AdminComponents } from '../components/component-loader.js';
import {
  ROLE_CHANGE_ACTION_BADGES,
  ROLE_CHANGE_ACTION_LABELS,
  ROLE_CHANGE_STATE_BADGES,
  ROLE_CHANGE_STATE_LABELS,
} from '../presentation/labels.js';
import { countWords } from '../../../platform/count-words.js';

export function reconcileSummary(r: ReconcileReport): string {
  const parts = [
    `${countWords(r.membersRead, 'member')} read`,
    `${countWords(r.regranted.length, 'missing role')} given back`,
    `${r.memberAbsent.length} owed to members no longer in the server (given back when they rejoin)`,
    `${countWords(r.unentitled.length, 'shop role')} held without a purchase (left alone; see the audit log)`,
  ];
  if (r.removalsKept.length)
    parts.push(`${countWords(r.removalsKept.length, 'removal')} by a moderator left as recorded (Retry gives the role back)`);
  if (r.unreadable.length)
    parts.push(`${countWords(r.unreadable.length, 'server')} could not be read: ${r.unreadable.map((u) => u.error).join('; ')}`);
  return `Reconciled: ${parts.join(', ')}.`;
}

export function roleChangeResource(deps: {
  services: Services;
  resource: ScopedPrismaResource;
  components: Pick<AdminComponents, 'OrderEnumCell'>;
}): ResourceWithOptions {
  const { services, resource, components } = deps;
  const logger = services.logger.child({ surface: 'admin', resource: 'RoleChange' });

  // Retry and "Reconcile now" are buttons: AdminJS calls them with GET once the guard is confirmed (button-action.ts).
  const retry = async (_request: ActionRequest, _response: unknown, context: ActionContext): Promise<RecordActionResponse> => {
    try {
      const row = await services.roleRepair.retry(tenantContextOf(context), context.record!.id());
      const fresh = await context.resource.findOne(row.id, context);
      return {
        record: (fresh ?? context.record!).toJSON(context.currentAdmin),
        notice: {
          message: `${row.action === 'GRANT' ? 'Grant' : 'Removal'} queued again: it runs in a few seconds; this page shows the outcome.`,
          type: 'success',
        },
      };
    } catch (err) {
      return errorNotice(err, context, logger);
    }
  };

  const reconcile = async (_request: ActionRequest, _response: unknown, context: ActionContext) => {
    try {
      const report = await services.roleRepair.reconcile(tenantContextOf(context));
      return {
        notice: { message: reconcileSummary(report), type: 'success' as const },
        redirectUrl: context.h.resourceUrl({ resourceId: context.resource.id() }),
      };
    } catch (err) {
      return errorNotice(err, context, logger);
    }
  };

  return {
    resource,
    options: {
      id: 'RoleChange',
      navigation: { name: 'Catalog', icon: 'Package' },
      sort: { sortBy: 'state', direction: 'asc' },
      listProperties: ['state', 'action', 'roleId', 'customer', 'failureMessage', 'attempts', 'updatedAt'],
      showProperties: [
        'id',
        'state',
        'action',
        'roleId',
        'guildId',
        'customer',
        'orderId',
        'productId',
        'entitlementId',
        'failureKind',
        'failureMessage',
        'discordCode',
        'attempts',
        'reason',
        'createdAt',
        'updatedAt',
      ],
      filterProperties: ['state', 'action', 'failureKind', 'roleId', 'customer'],
      properties: {
        state: enumProperty(components, ROLE_CHANGE_STATE_LABELS, { badges: ROLE_CHANGE_STATE_BADGES }),
        action: enumProperty(components, ROLE_CHANGE_ACTION_LABELS, { badges: ROLE_CHANGE_ACTION_BADGES }),
        failureMessage: { type: 'textarea', description: 'What went wrong and how to fix it.' },
        failureKind: { description: 'MISSING_PERMISSION, ROLE_TOO_LOW, MEMBER_LEFT, UNKNOWN_ROLE, ...' },
      },
      actions: {
        ...tenantReadOnly,
        retry: buttonAction({
          actionType: 'record',
          icon: 'RefreshCw',
          guard: 'Run this role change again now?',
          // Staff work orders, and a role owed for an order is part of that work.
          isAccessible: (c) => canRead(c) && c.record?.params.state !== 'DONE',
          handler: retry,
        }),
        reconcileNow: buttonAction({
          actionType: 'resource',
          icon: 'Shuffle',
          guard: "Compare every member's roles with what was bought, and give back missing roles?",
          isAccessible: canManage,
          handler: reconcile,
        }),
      },
    },
  };
}
