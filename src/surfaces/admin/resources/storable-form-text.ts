// Every panel form refuses text that cannot be stored (platform/storable-text.ts: a NUL, an unpaired surrogate) as a
// field error under the field, before any save runs. Before, a NUL pasted into a product's name reached PostgreSQL
// and the form got a 400 "Invalid list, filter or sort parameters." with no notice, and one in an order's notes the
// generic "Something went wrong". A before-hook on every action of every resource: AdminJS answers a ValidationError
// thrown there with the form, its field errors and the notice.
import { ValidationError, type ActionContext, type ActionRequest, type Before, type ResourceWithOptions } from 'adminjs';
import { fieldLabel } from '../../../modules/audit/audit-timeline.js';
import { unstorableTextProblem } from '../../../platform/storable-text.js';
import { settingsFieldWords } from '../presentation/settings-words.js';
import { addBefore } from './add-after.js';
import { assertCanInvoke, keepTyped } from './validation.js';

/** Throws AdminJS's ValidationError naming each field whose text cannot be stored. */
export const refuseUnstorableFormText: Before = async (request: ActionRequest, context: ActionContext) => {
  assertCanInvoke(context);
  const payload = request.method === 'post' ? request.payload : undefined;
  if (!payload) return request;
  const errors: Record<string, { message: string }> = {};
  for (const [field, value] of Object.entries(payload)) {
    const problem = typeof value === 'string' ? unstorableTextProblem(value) : null;
    if (problem) errors[field] = { message: `This field ${problem}` };
  }
  const fields = Object.keys(errors);
  if (!fields.length) return request;
  // The fields in words, as the form and the History timeline name them ("Name", "Venmo handle").
  const labels = fields.map((f) => settingsFieldWords(f) ?? fieldLabel(f.split('.')[0]!));
  // The form comes back with what was typed, every field (AdminJS would refill it from the database otherwise).
  keepTyped(context.record, payload);
  throw new ValidationError(errors, {
    message: `Nothing was saved: ${labels.join(', ')} ${fields.length === 1 ? 'holds' : 'hold'} text that cannot be saved.`,
  });
};

/** Adds the check before every action of `resource` (AdminJS's own new and edit, and the resource's own actions). */
export function withStorableFormText(resource: ResourceWithOptions): ResourceWithOptions {
  return addBefore(resource, [...new Set(['new', 'edit', ...Object.keys(resource.options.actions ?? {})])], refuseUnstorableFormText);
}
