// Stored enum columns in words. A list or show page that left an enum to AdminJS printed its code re-cased
// ("Failed", "Give The Role") on AdminJS's one badge, white on light grey (1.8:1, unreadable). Every enum column
// the panel lists or shows goes through enumProperty: the words from presentation/labels.ts, on that value's badge
// colours when the column has them (statuses), as plain text otherwise (components/order-enum-cell.tsx).
// test/admin/list-enum-columns.test.ts holds every list of the panel to it.
import type { PropertyOptions } from 'adminjs';
import type { AdminComponents } from '../components/component-loader.js';
import { availableValues, type BadgeColours } from '../presentation/labels.js';

export function enumProperty<K extends string>(
  components: Pick<AdminComponents, 'OrderEnumCell'>,
  labels: Record<K, string>,
  opts: { badges?: Record<K, BadgeColours>; options?: PropertyOptions } = {},
): PropertyOptions {
  const { badges, options = {} } = opts;
  return {
    availableValues: availableValues(labels),
    ...options,
    components: { ...options.components, list: components.OrderEnumCell, show: components.OrderEnumCell },
    ...(badges ? { custom: { ...(options.custom as object | undefined), badges } } : {}),
  };
}
