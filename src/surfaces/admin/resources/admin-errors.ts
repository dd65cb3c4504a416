// Maps module errors to AdminJS notices. Expected failures (AppError) are shown to the admin as they are;
// anything else is logged and shown generically.
import { ForbiddenError, NotFoundError, ValidationError, type ActionContext, type RecordActionResponse } from 'adminjs';
import { isAppError } from '../../../platform/errors.js';
import type { Logger } from '../../../platform/logger.js';

export function errorNotice(err: unknown, context: ActionContext, logger: Logger): RecordActionResponse {
  // AdminJS's own errors are handled by AdminJS (it turns them into notices).
  if (err instanceof ForbiddenError || err instanceof NotFoundError || err instanceof ValidationError) throw err;
  let message: string;
  if (isAppError(err)) {
    message = err.message;
  } else {
    logger.error({ err, action: context.action.name, resource: context.resource.id() }, 'admin action failed');
    message = 'Something went wrong. Nothing was changed; try again, and check the logs if it persists.';
  }
  return {
    record: context.record ? context.record.toJSON(context.currentAdmin) : ({} as RecordActionResponse['record']),
    notice: { message, type: 'error' },
  };
}
