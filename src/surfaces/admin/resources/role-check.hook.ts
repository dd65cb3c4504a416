// The products form's role check: before a product that grants roles is saved, ask Discord (through
// services.roleRepair) whether the bot can give the roles that are new on this save, and refuse the save
// with what to fix under the role field when it cannot. Discord not answering (or no server linked yet) does
// not block the save: the failure would then show under Role changes, with Retry.
import { flat, ValidationError, type ActionContext, type ActionRequest, type Before, type RecordActionResponse } from 'adminjs';
import type { RoleRepairService } from '../../../modules/entitlements/role-repair.service.js';
import type { RoleCheckResult } from '../../../modules/entitlements/role-check.js';
import type { DigitalGoods } from '../../../modules/entitlements/digital-goods.js';
import type { Logger } from '../../../platform/logger.js';
import { tenantContextOf } from '../auth/panel-admin.js';
import { errorNotice } from './admin-errors.js';
import { arrayOf } from './validation.js';
import { countWords } from '../../../platform/count-words.js';

/** A save waits this long for Discord at most; then the roles count as not checked. */
const CHECK_TIMEOUT_MS = 5000;

async function checkWithin(roleRepair: RoleRepairService, tenantId: string, roleIds: string[]): Promise<RoleCheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<RoleCheckResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ status: 'unavailable', message: 'Discord did not answer in time; the roles were not checked.' }),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([roleRepair.checkRoles(tenantId, roleIds), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `validate`, then the role check on the validated payload. */
export function withRoleCheck(validate: Before, roleRepair: RoleRepairService): Before {
  return async (request: ActionRequest, context: ActionContext) => {
    const validated = await validate(request, context);
    if (validated.method !== 'post') return validated;
    const data = flat.unflatten<Record<string, unknown>, Record<string, unknown>>(validated.payload ?? {});
    const roles = arrayOf(data.grantedRoleIds).map(String);
    const before = new Set(
      arrayOf(flat.unflatten<Record<string, unknown>, Record<string, unknown>>(context.record?.params ?? {}).grantedRoleIds).map(String),
    );
    const added = roles.filter((r) => !before.has(r));
    if (added.length === 0) return validated;
    const result = await checkWithin(roleRepair, tenantContextOf(context).tenantId, added);
    if (result.status !== 'problems') return validated;
    const errors: Record<string, { message: string }> = {};
    for (const p of result.problems) errors[`grantedRoleIds.${roles.indexOf(p.roleId)}`] ??= { message: p.message };
    throw new ValidationError(errors, {
      message: `The bot cannot give ${result.problems.length === 1 ? 'this role' : 'these roles'}: ${result.problems.map((p) => p.message).join(' ')}`,
    });
  };
}

/** "Check roles" on a product: the same check for every role it grants, answered as a notice. */
export function checkRolesAction(roleRepair: RoleRepairService, logger: Logger) {
  return async (_request: ActionRequest, _response: unknown, context: ActionContext): Promise<RecordActionResponse> => {
    const record = context.record!;
    try {
      const roles = arrayOf(flat.unflatten<Record<string, unknown>, Record<string, unknown>>(record.params).grantedRoleIds).map(String);
      const result = roles.length ? await checkWithin(roleRepair, tenantContextOf(context).tenantId, roles) : ({ status: 'ok' } as const);
      const notice =
        result.status === 'ok'
          ? {
              message: roles.length ? 'The bot can give every role of this product.' : 'This product grants no roles.',
              type: 'success' as const,
            }
          : result.status === 'unavailable'
            ? { message: result.message, type: 'info' as const }
            : { message: result.problems.map((p) => p.message).join(' '), type: 'error' as const };
      return { record: record.toJSON(context.currentAdmin), notice };
    } catch (err) {
      return errorNotice(err, context, logger);
    }
  };
}

/** "Upload keys" on a product: the pasted keys go to services' digital goods (its own form component). */
export function uploadKeysAction(digital: DigitalGoods, logger: Logger) {
  return async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<RecordActionResponse> => {
    const record = context.record!;
    if (request.method !== 'post') return { record: record.toJSON(context.currentAdmin) };
    try {
      const text = String((request.payload as { keys?: unknown } | undefined)?.keys ?? '');
      const r = await digital.uploadKeys(tenantContextOf(context), record.id(), text);
      const fresh = await context.resource.findOne(record.id(), context);
      return {
        record: (fresh ?? record).toJSON(context.currentAdmin),
        notice: {
          message: `${countWords(r.added, 'key')} added${r.duplicates ? `, ${r.duplicates} already there skipped` : ''}; ${r.available} available.`,
          type: 'success',
        },
      };
    } catch (err) {
      return errorNotice(err, context, logger);
    }
  };
}
