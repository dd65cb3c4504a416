// Maps module errors to AdminJS notices. Expected failures (AppError) are shown to the admin as they are;
// anything else is logged and shown generically.
import { ForbiddenError, NotFoundError, ValidationError, type ActionContext, type RecordActionResponse } from 'adminjs';
import { isAppError } from '../../../platform/errors.js';
import type { Logger } from '../../../platform/logger.js';

/**
 * Which form field a refused input's path belongs to (`items.0.quantity` -> `lineItems`), or undefined when none
 * does. Given, a validation error's fields are also shown under their inputs (the record's `errors`), where an
 * admin looks after pressing Save; the notice, which disappears after a few seconds, still says it all.
 */
export type FieldOf = (path: string) => string | undefined;

export function errorNotice(err: unknown, context: ActionContext, logger: Logger, fieldOf?: FieldOf): RecordActionResponse {
  // AdminJS's own errors are handled by AdminJS (it turns them into notices).
  if (err instanceof ForbiddenError || err instanceof NotFoundError || err instanceof ValidationError) throw err;
  let message: string;
  if (isAppError(err)) {
    message = err.message;
  } else {
    logger.error({ err, action: context.action.name, resource: context.resource.id() }, 'admin action failed');
    message = 'Something went wrong. Nothing was changed; try again, and check the logs if it persists.';
  }
  const record = context.record ? context.record.toJSON(context.currentAdmin) : ({} as RecordActionResponse['record']);
  const fields = isAppError(err) ? (err.details as { fields?: { path: string; message: string }[] } | undefined)?.fields : undefined;
  if (fieldOf && fields?.length) {
    const errors: Record<string, { message: string }> = { ...(record.errors ?? {}) };
    for (const f of fields) {
      const key = fieldOf(f.path);
      if (key) errors[key] ??= { message: f.message };
    }
    record.errors = errors;
  }
  return { record, notice: { message, type: 'error' } };
}

/**
 * Runs a module's check inside a save (a resource's `keeps` rule): its refusal (AppError) becomes a form error
 * under `field`, and the save's notice, which is how AdminJS shows a rule the save broke and undoes the write.
 */
export async function refusedUnder(field: string, check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (err) {
    if (isAppError(err)) throw new ValidationError({ [field]: { message: err.message } }, { message: err.message });
    throw err;
  }
}
