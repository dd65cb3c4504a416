// Adds a hook to some actions of a configured resource: an after-hook after the hooks it already has, a
// before-hook ahead of them (AdminJS runs an array of hooks in order).
import type { ActionResponse, After, Before, ResourceWithOptions } from 'adminjs';

type Actions = NonNullable<ResourceWithOptions['options']['actions']>;

function addHook(
  resource: ResourceWithOptions,
  actionNames: readonly string[],
  kind: 'before' | 'after',
  place: (hooks: unknown[]) => unknown[],
): ResourceWithOptions {
  const actions = { ...(resource.options.actions ?? {}) } as Record<string, Record<string, unknown> | undefined>;
  for (const name of actionNames) {
    const action = actions[name] ?? {};
    const previous = action[kind];
    const hooks = place(previous ? (Array.isArray(previous) ? previous : [previous]) : []);
    actions[name] = { ...action, [kind]: hooks.length === 1 ? hooks[0] : hooks };
  }
  return { ...resource, options: { ...resource.options, actions: actions as Actions } };
}

export function addAfter(resource: ResourceWithOptions, actionNames: readonly string[], hook: After<ActionResponse>): ResourceWithOptions {
  return addHook(resource, actionNames, 'after', (hooks) => [...hooks, hook]);
}

/** `hook` before every hook the actions already have (a check that must come first). */
export function addBefore(resource: ResourceWithOptions, actionNames: readonly string[], hook: Before): ResourceWithOptions {
  return addHook(resource, actionNames, 'before', (hooks) => [hook, ...hooks]);
}

/** The tenant a record of a panel resource belongs to (the Tenant row is its own tenant). */
export function tenantOfRecord(resourceId: string, record: { id?: string; params: Record<string, unknown> }): string {
  return String(record.params.tenant ?? record.params.tenantId ?? (resourceId === 'Tenant' ? record.id : '') ?? '');
}
