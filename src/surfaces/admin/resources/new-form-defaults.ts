// Every New form opens holding what the record gets for a field left as it is (components/filled-when-new.tsx):
// the column's default from the Prisma schema, and for a currency the shop's own. One rule for every resource,
// read from the schema, so a column that is given a default later opens with it too.
import type { PropertyOptions, ResourceWithOptions } from 'adminjs';
import type { AdminComponents } from '../components/component-loader.js';

/** What @adminjs/prisma's Property keeps of the Prisma schema's field. */
interface SchemaField {
  type: string;
  hasDefaultValue?: boolean;
  default?: unknown;
}

type WithSchemaFields = { properties(): { path(): string; column?: SchemaField }[] };

/** A literal default (not a function such as now() or cuid(), not a JSON document), as the form sends it. */
function literalDefault(field: SchemaField | undefined): string | boolean | undefined {
  if (!field?.hasDefaultValue || field.type === 'Json') return undefined;
  const value = field.default;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return undefined;
}

export function withNewFormDefaults(components: AdminComponents, resources: ResourceWithOptions[]): ResourceWithOptions[] {
  return resources.map((r) => {
    const editable = r.options.editProperties;
    const props: Record<string, PropertyOptions> = { ...(r.options.properties ?? {}) };
    for (const p of (r.resource as unknown as WithSchemaFields).properties()) {
      const path = p.path();
      const whenNew = literalDefault(p.column);
      if (whenNew === undefined || (editable && !editable.includes(path))) continue;
      const own = props[path] ?? {};
      // A field drawn by a component of its own (a role picker, a multi-value list) is left to it.
      if (own.components?.edit) continue;
      props[path] = {
        ...own,
        components: { ...own.components, edit: components.FilledWhenNew },
        custom: { ...own.custom, whenNew, ...(path === 'currency' ? { whenNewFromShop: 'currency' } : {}) },
      };
    }
    return { ...r, options: { ...r.options, properties: props } };
  });
}
