// The order edit form's status and shipping-status fields: a select offering only the statuses this order
// can move to from where it is (the edit action puts them in `<field>Options`, from the module's
// transition tables), instead of every status with a refusal after saving. Refunds have their own action.
// Options read as words: the property's availableValues (presentation/labels.ts) give each value its label. Until
// the options have come it says so, never "No other value can be set from here.".
import React from 'react';
import { FormGroup, FormMessage, Select } from '@adminjs/design-system';
import { PropertyLabel, type EditPropertyProps } from 'adminjs';

function optionsOf(raw: unknown, current: string): string[] {
  try {
    const parsed: unknown = JSON.parse(String(raw ?? '[]'));
    if (Array.isArray(parsed) && parsed.length > 0) return parsed.map(String);
  } catch {
    // fall through: offer only the current value
  }
  return current ? [current] : [];
}

const TransitionSelect: React.FC<EditPropertyProps> = ({ property, record, onChange }) => {
  const current = String(record?.params?.[property.path] ?? '');
  const given = record?.params?.[`${property.path}Options`] as unknown;
  // Not there until the edit's own answer has come (the form is shown first with the order page's record, and kept
  // with it when that answer fails: components/order-lines-edit.tsx loads it): nothing is known about the others yet.
  const known = given !== undefined && given !== null && given !== '';
  const values = optionsOf(given, current);
  const words = new Map((property.availableValues ?? []).map((v) => [v.value, v.label]));
  const options = values.map((v) => ({ value: v, label: words.get(v) ?? v }));
  const selected = options.find((o) => o.value === current) ?? null;
  const error = record?.errors?.[property.path];
  const hint = !known
    ? `The ${property.path === 'status' ? 'statuses' : 'shipping steps'} this order can move to are not loaded yet (see Line items).`
    : values.length <= 1
      ? 'No other value can be set from here.'
      : property.path === 'status'
        ? 'Only the statuses this order can move to are offered. Refunds: use the Refund action.'
        : 'Only the shipping steps that can follow the current one are offered.';
  return (
    <FormGroup error={Boolean(error)} data-testid={`transition-select-${property.path}`}>
      <PropertyLabel property={property} />
      <Select
        inputId={property.path}
        value={selected}
        options={options}
        isClearable={false}
        onChange={(s: { value: string } | null) => onChange(property.path, s?.value ?? current)}
      />
      <FormMessage>{error ? error.message : hint}</FormMessage>
    </FormGroup>
  );
};

export default TransitionSelect;
