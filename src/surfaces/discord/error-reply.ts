// Maps an error to the ephemeral message the user sees. AppErrors carry a human message from the service;
// a few codes get a hint about what to do next. Anything else is logged with the request id and answered
// generically (never a 500: Discord would show "This interaction failed").
import { isAppError, type ErrorCode } from '../../platform/errors.js';
import { isTransientDatabaseFault } from '../../platform/db/db-faults.js';
import type { Logger } from '../../platform/logger.js';
import { COLORS, ephemeral, type MessageData } from './replies.js';

const HINTS: Partial<Record<ErrorCode, string>> = {
  SESSION_EXPIRED: 'Your order session expired. Run `/order` to start a new one.',
  SESSION_EMPTY: 'Your order has no items yet. Run `/order` to pick a product.',
  ROLE_REQUIRED: 'You need a specific server role to buy this product.',
  OUT_OF_STOCK: 'Lower the quantity or pick another product with `/order`.',
  PAYMENT_METHOD_NOT_ENABLED: 'Pick one of the payment methods the shop offers.',
  ILLEGAL_STATE: 'This step is not available right now. Run `/order` to see where your order stands.',
  TENANT_NOT_CONFIGURED: 'This server is not set up for ordering.',
};

/** Modules say what is wrong with the session (details.session); the way forward in Discord is ours to say. */
const SESSION_HINTS: Record<string, string> = {
  none: 'Run `/order` to start one.',
  expired: HINTS.SESSION_EXPIRED!,
  cancelled: 'Run `/order` to start again.',
};

export function errorMessage(err: unknown, requestId: string, log: Logger): MessageData {
  // The database was unreachable or too slow (a restart, a lost connection): nothing was done, and the same
  // click a few seconds later will work. Said plainly, and not logged as a bug.
  if (isTransientDatabaseFault(err)) {
    log.warn({ err, requestId }, 'interaction failed on a database fault; the user was asked to try again');
    return {
      embeds: [
        {
          title: 'Busy for a moment',
          description: 'The shop could not be reached just now and nothing was changed. Please try again in a few seconds.',
          color: COLORS.error,
        },
      ],
    };
  }
  if (isAppError(err)) {
    const session = typeof err.details?.session === 'string' ? SESSION_HINTS[err.details.session] : undefined;
    const hint = session ?? HINTS[err.code];
    const text = hint && !err.message.includes(hint) ? `${err.message}\n${hint}` : err.message;
    return { embeds: [{ title: titleFor(err.code), description: text.slice(0, 4000), color: COLORS.error }] };
  }
  log.error({ err, requestId }, 'interaction handler failed');
  return {
    embeds: [
      {
        title: 'Something went wrong',
        description: `Please try again in a moment. (reference ${requestId || 'n/a'})`,
        color: COLORS.error,
      },
    ],
  };
}

export function errorReply(err: unknown, requestId: string, log: Logger) {
  return ephemeral(errorMessage(err, requestId, log));
}

function titleFor(code: ErrorCode): string {
  switch (code) {
    case 'VALIDATION_FAILED':
      return 'Please check your input';
    case 'FORBIDDEN':
      return 'Not allowed';
    case 'NOT_FOUND':
      return 'Not found';
    case 'SESSION_EXPIRED':
      return 'Session expired';
    case 'OUT_OF_STOCK':
      return 'Out of stock';
    default:
      return 'Could not do that';
  }
}
