// Every stored enum the panel lists or shows is in words (resources/enum-columns.ts enumProperty), never left to
// AdminJS, which prints the code re-cased on its one badge, white on light grey (1.8:1): the role changes' state
// and action and the webhook deliveries' status were, until a list added later got them by default. This reads
// the panel's resources as built for the app (buildResources) against the schema's enums, so a column added later
// without words fails here, whichever resource it is on.
import { readFileSync } from 'node:fs';
import type { PropertyOptions, ResourceWithOptions } from 'adminjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdminRouterModule } from '../../src/surfaces/admin/index.js';
import { createComponents } from '../../src/surfaces/admin/components/component-loader.js';
import { ALL_BADGES } from '../../src/surfaces/admin/presentation/labels.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

interface DmmfField {
  name: string;
  type: string;
  kind: string;
}
const dmmf = JSON.parse(readFileSync(new URL('../../src/generated/dmmf.json', import.meta.url), 'utf8')) as {
  datamodel: { models: { name: string; fields: DmmfField[] }[]; enums: { name: string; values: { name: string }[] }[] };
};
const enumValues = new Map(dmmf.datamodel.enums.map((e) => [e.name, e.values.map((v) => v.name)]));
/** model -> field -> the enum's values, for the fields stored as a schema enum. */
const enumFields = new Map(
  dmmf.datamodel.models.map((m) => [
    m.name,
    new Map(m.fields.filter((f) => f.kind === 'enum').map((f) => [f.name, enumValues.get(f.type)!])),
  ]),
);

let t: TestApp;
let resources: ResourceWithOptions[];
beforeAll(async () => {
  t = await createTestApp();
  const { buildResources } = await loadAdminRouterModule();
  resources = buildResources(t.services, createComponents().components);
});
afterAll(async () => {
  await t?.services.close();
});

/** What a resource's page shows of `where`: the named properties, the schema enum fields of its model. */
function enumColumns(r: ResourceWithOptions, where: 'list' | 'show') {
  const opts = r.options;
  const named = (where === 'list' ? opts.listProperties : opts.showProperties) ?? [];
  const model = (r.resource as { model?: { name?: string } }).model?.name ?? String(opts.id);
  const fields = enumFields.get(model) ?? new Map<string, string[]>();
  return named
    .map((name) => ({ name, values: fields.get(name), property: (opts.properties?.[name] ?? {}) as PropertyOptions }))
    .filter((c) => c.values !== undefined || c.property.availableValues !== undefined);
}

describe('enum columns of the panel are in words', () => {
  it('finds the panel and its enum columns (the check below checks something)', () => {
    const listed = resources.flatMap((r) => enumColumns(r, 'list').map((c) => `${String(r.options.id)}.${c.name}`));
    expect(listed).toEqual(
      expect.arrayContaining(['Order.status', 'Order.paymentMethod', 'RoleChange.state', 'RoleChange.action', 'WebhookDelivery.status']),
    );
  });

  it('every enum a list or a show page holds has its words for every stored value, and its own cell (not AdminJS badge)', () => {
    const bare: string[] = [];
    for (const r of resources) {
      for (const where of ['list', 'show'] as const) {
        // The order's show page is a component of its own (OrderShow), which prints every enum in words.
        if (where === 'show' && r.options.actions?.show?.component) continue;
        for (const c of enumColumns(r, where)) {
          const at = `${String(r.options.id)}.${c.name} (${where})`;
          if (!c.property.components?.[where]) bare.push(`${at}: AdminJS's default cell`);
          // The words: the select's values, or a multi-value field's options (components/multi-value.tsx).
          const options = (c.property.custom as { options?: { value: string }[] } | undefined)?.options;
          const worded = new Set((c.property.availableValues ?? options ?? []).map((v) => v.value));
          const missing = (c.values ?? []).filter((v) => !worded.has(v));
          if (missing.length) bare.push(`${at}: no words for ${missing.join(', ')}`);
        }
      }
    }
    expect(bare).toEqual([]);
  });

  it('a badge table colours every value of its enum', () => {
    for (const [name, badges] of Object.entries(ALL_BADGES)) expect(Object.keys(badges).length, name).toBeGreaterThan(0);
    const byValues = (values: string[]) => [...values].sort().join(',');
    const enumsByValues = new Set([...enumValues.values()].map(byValues));
    for (const [name, badges] of Object.entries(ALL_BADGES)) expect(enumsByValues.has(byValues(Object.keys(badges))), name).toBe(true);
  });
});
