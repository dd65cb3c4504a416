// The admin user form's role field: offers only the roles the signed-in admin may give. A shop admin is not
// offered "Platform admin" (the server refuses it: resources/settings.resources.ts); a platform admin is
// offered all three. Options read as words: the property's availableValues (presentation/labels.ts).
import React from 'react';
import { FormGroup, FormMessage, Select } from '@adminjs/design-system';
import { PropertyLabel, useCurrentAdmin, type EditPropertyProps } from 'adminjs';

const HINTS: Record<string, string> = {
  PLATFORM_ADMIN: 'Runs the platform: every shop, Discord server link and job. Belongs to no shop.',
  TENANT_ADMIN: 'Runs the shop: products, settings, payments, people and exports, and everything staff do.',
  TENANT_STAFF: 'Handles orders (payments, shipping, refunds). Changes no products, settings or people; no exports.',
};

const AdminRoleSelect: React.FC<EditPropertyProps> = ({ property, record, onChange }) => {
  const [me] = useCurrentAdmin();
  const platform = (me as { role?: string } | null)?.role === 'PLATFORM_ADMIN';
  const current = String(record?.params?.[property.path] ?? '');
  const options = (property.availableValues ?? [])
    .filter((v) => platform || v.value !== 'PLATFORM_ADMIN')
    .map((v) => ({ value: v.value, label: v.label }));
  const selected = options.find((o) => o.value === current) ?? null;
  const error = record?.errors?.[property.path];
  return (
    <FormGroup error={Boolean(error)} data-testid="admin-role-select">
      <PropertyLabel property={property} />
      <Select
        inputId={property.path}
        value={selected}
        options={options}
        isClearable={false}
        onChange={(s: { value: string } | null) => onChange(property.path, s?.value ?? '')}
      />
      <FormMessage>{error ? error.message : (HINTS[current] ?? 'Pick what this person may do.')}</FormMessage>
    </FormGroup>
  );
};

export default AdminRoleSelect;
