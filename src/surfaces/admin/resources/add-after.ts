// Adds an after-hook to some actions of a configured resource, after the hooks it already has (AdminJS
// runs an array of hooks in order).
import type { ActionResponse, After, ResourceWithOptions } from 'adminjs';

type Actions = NonNullable<ResourceWithOptions['options']['actions']>;

export function addAfter(resource: ResourceWithOptions, actionNames: readonly string[], hook: After<ActionResponse>): ResourceWithOptions {
  const actions = { ...(resource.options.actions ?? {}) } as Record<string, { after?: unknown } | undefined>;
  for (const name of actionNames) {
    const action = actions[name] ?? {};
    const previous = action.after;
    actions[name] = { ...action, after: previous ? [...(Array.isArray(previous) ? previous : [previous]), hook] : hook };
  }
  return { ...resource, options: { ...resource.options, actions: actions as Actions } };
}

/** The tenant a record of a panel resource belongs to (the Tenant row is its own tenant). */
export function tenantOfRecord(resourceId: string, record: { id?: string; params: Record<string, unknown> }): string {
  return String(record.params.tenant ?? record.params.tenantId ?? (resourceId === 'Tenant' ? record.id : '') ?? '');
}
