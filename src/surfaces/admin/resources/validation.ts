// zod at the AdminJS edge: a before-hook for new/edit that parses the submitted form with a schema and
// hands AdminJS only the validated fields (anything else in the payload is dropped, so a crafted request
// cannot set a column the form does not offer). Field errors come back as AdminJS ValidationErrors, shown
// under each input.
import { flat, ValidationError, type ActionContext, type ActionRequest, type Before } from 'adminjs';
import type { z } from 'zod';
import { SHOWN_PARAM } from '../adapter/scoped-resource.js';

export type PayloadMapper = (
  data: Record<string, unknown>,
  request: ActionRequest,
  context: ActionContext,
) => Promise<Record<string, unknown>> | Record<string, unknown>;

/** A form's schema, or one built per request (from what was typed, or the shop's currency). */
export type FormSchema = z.ZodType | ((raw: Record<string, unknown>, context: ActionContext) => z.ZodType | Promise<z.ZodType>);

/**
 * AdminJS runs before-hooks ahead of its isAccessible check: a before-hook checks access first, so nothing is
 * validated, looked up or hashed (nor a field's refusal told) for someone who may not perform the action.
 */
export function assertCanInvoke(context: ActionContext): void {
  (context.action as unknown as { canInvokeAction(ctx: ActionContext): boolean }).canInvokeAction(context);
}

export function validatePayload(
  schema: FormSchema,
  opts: { map?: PayloadMapper; prepare?: (raw: Record<string, unknown>, context: ActionContext) => Record<string, unknown> } = {},
): Before {
  return async (request, context) => {
    assertCanInvoke(context);
    if (request.method !== 'post') return request;
    const raw = flat.unflatten<Record<string, unknown>, Record<string, unknown>>(request.payload ?? {});
    const input = opts.prepare ? opts.prepare(raw, context) : raw;
    const result = (typeof schema === 'function' ? await schema(input, context) : schema).safeParse(input);
    if (!result.success) {
      const errors: Record<string, { message: string }> = {};
      for (const issue of result.error.issues) {
        // Errors are shown under the form field: the property, one element of an array property, or one input
        // of a group of fields (its flattened path, as AdminJS names it: paymentInstructions.VENMO_P2P.handle).
        const [head = 'form', ...rest] = issue.path.map(String);
        const indexed = rest.length > 0 && /^\d+$/.test(rest[0]!);
        const key = indexed ? `${head}.${rest[0]}` : [head, ...rest].join('.');
        errors[key] ??= { message: issue.message };
      }
      // The form comes back with what was typed (AdminJS would refill it from the database otherwise).
      keepTyped(context.record, request.payload);
      throw new ValidationError(errors, {
        message: Object.entries(errors)
          .map(([k, v]) => `${k}: ${v.message}`)
          .join('; '),
      });
    }
    let data = result.data as Record<string, unknown>;
    if (opts.map) data = await opts.map(data, request, context);
    // What the edit form showed travels on to the save, which writes only what was changed from it.
    const shown = request.payload?.[SHOWN_PARAM];
    return { ...request, payload: { ...flat.flatten(data), ...(typeof shown === 'string' ? { [SHOWN_PARAM]: shown } : {}) } };
  };
}

/**
 * A refused save answers with the record as the admin typed it, not as stored, so nothing typed is lost:
 * every field of the payload (with its array elements) replaces the stored one in the record's params.
 */
export function keepTyped(record: { params: Record<string, unknown> } | undefined, payload: Record<string, unknown> | undefined): void {
  if (!record || !payload) return;
  const typed = new Set(Object.keys(payload).map((k) => k.split('.')[0]));
  const kept = Object.fromEntries(Object.entries(record.params).filter(([k]) => !typed.has(k.split('.')[0])));
  record.params = { ...kept, ...payload };
}

/** Array fields of AdminJS forms arrive as field.0, field.1 ... (unflattened to arrays) or are missing. */
export function arrayOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.filter((v) => v !== '' && v !== undefined && v !== null);
  if (value && typeof value === 'object') return Object.values(value).filter((v) => v !== '');
  return [];
}
