// Maps an error to the ephemeral message the user sees (on an /order flow message whose session is over: that
// message, replaced). AppErrors carry a human message from the service;
// a few codes get a hint about what to do next. Anything else is logged with the request id and answered
// generically (never a 500: Discord would show "This interaction failed").
import { InteractionType, type APIInteraction } from 'discord-api-types/v10';
import { isAppError, type ErrorCode } from '../../platform/errors.js';
import { isTransientDatabaseFault } from '../../platform/db/db-faults.js';
import type { Logger } from '../../platform/logger.js';
import { COLORS, ephemeral, update, type MessageData } from './replies.js';
import { isFlowMessage } from './flow-message.js';

/** Hints that name no command: true wherever the error is met. */
const HINTS: Partial<Record<ErrorCode, string>> = {
  ROLE_REQUIRED: 'You need a specific server role to buy this product.',
  PAYMENT_METHOD_NOT_ENABLED: 'Pick one of the payment methods the shop offers.',
  TENANT_NOT_CONFIGURED: 'This server is not set up for ordering.',
};

/**
 * The way forward for a customer in the /order flow. Each adds to the module's message without repeating it
 * (the module says what is wrong; "Your order session expired after a period of inactivity." needs only the
 * next step). ILLEGAL_STATE is also what an admin meets (approving a rejected order), so its hint is given
 * only when the interaction is known to be the /order flow's.
 */
const ORDER_FLOW_HINTS: Partial<Record<ErrorCode, string>> = {
  SESSION_EMPTY: 'Run `/order` to pick a product.',
  OUT_OF_STOCK: 'Lower the quantity or pick another product with `/order`.',
  ILLEGAL_STATE: 'Run `/order` to see where your order stands.',
};

/** Modules say what is wrong with the session (details.session); the way forward in Discord is ours to say. */
const SESSION_HINTS: Record<string, string> = {
  none: 'Run `/order` to start one.',
  expired: 'Run `/order` to start a new one.',
  cancelled: 'Run `/order` to start again.',
  other: 'Run `/order` to see your current order.',
};

/** The same for the legacy commands, which share the session: their own way forward, not /order's. */
const LEGACY_HINTS: Partial<Record<ErrorCode, string>> = {
  SESSION_EMPTY: 'Add a product with `/order-item`.',
  OUT_OF_STOCK: 'Lower the quantity or pick another product.',
};
const LEGACY_SESSION_HINTS: Record<string, string> = {
  none: 'Run `/order-start` to start one.',
  expired: 'Run `/order-start` to start a new one.',
  cancelled: 'Run `/order-start` to start again.',
  other: 'Run `/order-start` to see your current order.',
};

const LEGACY_COMMANDS = new Set(['order-start', 'order-item', 'order-shipping', 'order-payment', 'order-submit', 'product-list']);

/** Whose error it is: the /order flow's, a legacy command's, anything else's (admins, /orders), or unknown. */
type Flow = 'order' | 'legacy' | 'other' | 'unknown';

function flowOf(interaction: APIInteraction | undefined): Flow {
  if (!interaction) return 'unknown';
  if (interaction.type === InteractionType.ApplicationCommand) {
    const name = interaction.data.name;
    return name === 'order' ? 'order' : LEGACY_COMMANDS.has(name) ? 'legacy' : 'other';
  }
  if (interaction.type === InteractionType.MessageComponent || interaction.type === InteractionType.ModalSubmit) {
    const id = interaction.data.custom_id;
    // catalog:order:<product> opens the /order flow with the product picked.
    if (id.startsWith('order:') || id.startsWith('catalog:order:')) return 'order';
    return id.startsWith('legacy:') ? 'legacy' : 'other';
  }
  return 'other';
}

/**
 * The hint for an AppError, by who meets it. Without the interaction ('unknown'), the hints of errors only a
 * customer's order meets (the session's, an empty order, stock) stay as they were, and ILLEGAL_STATE gets none.
 */
function hintFor(code: ErrorCode, session: string | undefined, flow: Flow): string | undefined {
  if (HINTS[code]) return HINTS[code];
  if (flow === 'legacy') return session ? LEGACY_SESSION_HINTS[session] : LEGACY_HINTS[code];
  if (flow === 'other') return undefined;
  if (session) return SESSION_HINTS[session];
  if (code === 'ILLEGAL_STATE' && flow !== 'order') return undefined;
  return ORDER_FLOW_HINTS[code];
}

/**
 * PAYMENT_METHOD_NOT_ENABLED's hint when the caller listed the methods the shop offers (details.offered: their
 * labels), so the customer need not guess which one to pick.
 */
function offeredMethodsHint(offered: unknown): string | undefined {
  if (!Array.isArray(offered) || !offered.every((m) => typeof m === 'string')) return undefined;
  return offered.length
    ? `Pick one of the payment methods the shop offers: ${offered.join(', ')}.`
    : 'This shop has not enabled any payment method yet. Please contact the shop.';
}

/** `interaction`: the one that failed, so a hint naming a command goes only to whom it helps. */
export function errorMessage(err: unknown, requestId: string, log: Logger, interaction?: APIInteraction): MessageData {
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
    const session = typeof err.details?.session === 'string' ? err.details.session : undefined;
    const hint = offeredMethodsHint(err.details?.offered) ?? hintFor(err.code, session, flowOf(interaction));
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

/**
 * The error as a new ephemeral message, except on a message of the /order flow when the error says its session is over
 * (expired, cancelled, none): then it replaces that message (type 7, as the flow's answers do), so its stale menus are
 * not left to press again. An error while the session is open leaves the flow's screen as it was, to choose again.
 */
export function errorReply(err: unknown, requestId: string, log: Logger, interaction?: APIInteraction) {
  const message = errorMessage(err, requestId, log, interaction);
  return endsFlowMessage(err, interaction) ? update(message) : ephemeral(message);
}

function endsFlowMessage(err: unknown, interaction: APIInteraction | undefined): boolean {
  if (!interaction || !isAppError(err) || typeof err.details?.session !== 'string') return false;
  return flowOf(interaction) === 'order' && isFlowMessage(interaction);
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
