// An order-page action that takes an amount typed as money: the order page's money forms (components/order-show.tsx:
// "Record money received", "Mark overpayment returned") post to actions of this one shape. POST only (a GET only
// loads the order); the amount as typed in the order's currency ("20.00", "12,50": platform/money.ts
// parseMoneyInput, the panel's one rule for typed money) and an optional note; one module command; a refusal said
// as a notice and under the field it is about (the form keeps what was typed).
import type { ActionContext, ActionRequest, RecordActionResponse } from 'adminjs';
import { z } from 'zod';
import { isAppError, validationError } from '../../../platform/errors.js';
import type { Logger } from '../../../platform/logger.js';
import { parseMoneyInput } from '../../../platform/money.js';
import { parseInput } from '../../../platform/validate.js';
import { errorNotice, type FieldOf } from './admin-errors.js';

type RecordJson = (context: ActionContext, notice?: RecordActionResponse['notice']) => Promise<RecordActionResponse>;

/**
 * What the command gets: the amount in cents (none when it may be left empty and was), the note if any, and what
 * the page showed as received (the form's hidden receivedShown, whole cents; none from a page opened before it
 * carried it).
 */
export interface TypedAmount<Required extends boolean> {
  amountCents: Required extends true ? number : number | undefined;
  note: string | undefined;
  receivedShown: number | undefined;
}

export interface TypedAmountActionSpec<Required extends boolean> {
  /** What the form is, in its refusals ("receipt": "Invalid receipt: amount: ..."). */
  what: string;
  /** Whether an amount must be typed; when not, an empty one is none (the command decides what that means). */
  required: Required;
  /** The refusal of a typed amount that is not money (or is 0) in the order's `currency`, said under the field. */
  notMoney: (currency: string) => string;
  /** Runs the command; answers the success notice. */
  run: (context: ActionContext, input: TypedAmount<Required>) => Promise<string>;
  /** The field a refusal's path is about (admin-errors.ts). */
  fieldOf: FieldOf;
  /** The command's refusal of the amount as a whole (VALIDATION_FAILED naming no field) is said under the amount too. */
  wholeRefusalUnderAmount?: boolean;
}

export function typedAmountAction<Required extends boolean>(logger: Logger, recordJson: RecordJson, spec: TypedAmountActionSpec<Required>) {
  const form = z.object({
    amount: spec.required ? z.string().trim().min(1).max(40) : z.string().trim().max(40).optional(),
    note: z.string().trim().max(500).optional(),
    receivedShown: z
      .string()
      .trim()
      .regex(/^\d{1,12}$/, 'what the page showed as received could not be read; reload the page and try again')
      .optional(),
  });
  return async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<RecordActionResponse> => {
    if (request.method !== 'post') return { record: context.record!.toJSON(context.currentAdmin) };
    try {
      const typed = parseInput(form, request.payload ?? {}, spec.what);
      const currency = String(context.record!.params.currency ?? 'USD');
      let amountCents: number | undefined;
      if (typed.amount) {
        const cents = parseMoneyInput(typed.amount, currency);
        if (!cents) throw validationError([{ path: ['amount'], message: spec.notMoney(currency) }], spec.what);
        amountCents = cents;
      }
      const message = await spec.run(context, {
        amountCents,
        note: typed.note || undefined,
        receivedShown: typed.receivedShown ? Number(typed.receivedShown) : undefined,
      } as TypedAmount<Required>);
      return recordJson(context, { message, type: 'success' });
    } catch (err) {
      const refused = errorNotice(err, context, logger, spec.fieldOf);
      const fields = isAppError(err) ? (err.details as { fields?: unknown[] } | undefined)?.fields : undefined;
      if (spec.wholeRefusalUnderAmount && isAppError(err) && err.code === 'VALIDATION_FAILED' && !fields?.length)
        refused.record.errors = { ...refused.record.errors, amount: { message: err.message } };
      // Refused as the order changed meanwhile (money recorded since the page showed it): the page is given the
      // order as it is now, so it shows what was recorded and by whom, and a press again is checked against that.
      if (isAppError(err) && err.code === 'CONFLICT') return { ...(await recordJson(context)), notice: refused.notice };
      return refused;
    }
  };
}
