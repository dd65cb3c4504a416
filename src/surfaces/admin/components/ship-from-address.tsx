// Shop settings -> the TaxJar ship-from address (tenants.taxjarFromAddress: { country, zip, state, city, street }
// or none) as labelled fields. What it sends is what was typed, an emptied field left out and every field
// empty as no address; the server trims and checks it (schemas/tenant-settings.schema.ts), and its refusals are
// shown under the field they concern. Nothing changes until a field is typed in: a form saved untouched posts
// back the saved address as it was.
import React from 'react';
import { Box, FormGroup, Label, Text } from '@adminjs/design-system';
import { flat, PropertyLabel, type EditPropertyProps } from 'adminjs';

const FIELDS = [
  { key: 'street', label: 'Street', placeholder: '1 Main St', autoComplete: 'street-address' },
  { key: 'city', label: 'City', placeholder: 'San Francisco', autoComplete: 'address-level2' },
  { key: 'state', label: 'State', placeholder: 'CA', autoComplete: 'address-level1' },
  { key: 'zip', label: 'ZIP / postal code', placeholder: '94103', autoComplete: 'postal-code' },
  { key: 'country', label: 'Country (2-letter code)', placeholder: 'US', autoComplete: 'country' },
] as const;

/** 44 px tall (a finger's target), 16 px text (iOS Safari zooms in on smaller). */
const field: React.CSSProperties = {
  boxSizing: 'border-box',
  width: '100%',
  minHeight: 44,
  fontSize: 16,
  padding: '8px 10px',
  border: '1px solid #C0C0CA',
  borderRadius: 4,
  background: '#fff',
};
const errorText: React.CSSProperties = { color: '#C0392B', marginTop: 4 };

function addressOf(params: Record<string, unknown> | undefined, path: string): Record<string, unknown> {
  const v: unknown = flat.get((params ?? {}) as Parameters<typeof flat.get>[0], path);
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

const text = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

const ShipFromAddress: React.FC<EditPropertyProps> = ({ property, record, onChange, where }) => {
  const path = property.path;
  const address = addressOf(record?.params, path);
  if (where !== 'edit') {
    const cityLine = [text(address.city), [text(address.state), text(address.zip)].filter(Boolean).join(' ')].filter(Boolean).join(', ');
    const lines = [text(address.street), cityLine, text(address.country)].filter(Boolean);
    return (
      <Box mb="xl" data-testid={`ship-from-show-${path}`}>
        <PropertyLabel property={property} />
        {lines.length ? lines.map((l) => <Text key={l}>{l}</Text>) : <Text>None</Text>}
      </Box>
    );
  }
  const errors = (record?.errors ?? {}) as Record<string, { message?: string } | undefined>;
  const set = (key: string, value: string) => {
    const next = Object.fromEntries(
      Object.entries({ ...address, [key]: value }).filter(([, v]) => v !== '' && v !== undefined && v !== null),
    );
    onChange(path, Object.keys(next).length ? next : null);
  };
  const groupError = errors[path]?.message;
  return (
    <FormGroup error={Boolean(groupError)} data-testid={`ship-from-${path}`}>
      <PropertyLabel property={property} />
      {property.description ? (
        <Text mb="default" style={{ fontSize: 14 }}>
          {property.description}
        </Text>
      ) : null}
      {groupError ? (
        <Text role="alert" style={errorText} data-testid={`error-${path}`}>
          {groupError}
        </Text>
      ) : null}
      {FIELDS.map((f) => {
        const id = `${path}-${f.key}`;
        const error = errors[`${path}.${f.key}`]?.message;
        return (
          <Box key={f.key} mb="default">
            <Label htmlFor={id}>{f.label}</Label>
            <input
              id={id}
              name={`${path}.${f.key}`}
              value={text(address[f.key])}
              placeholder={`e.g. ${f.placeholder}`}
              autoComplete={f.autoComplete}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-error` : undefined}
              onChange={(e) => set(f.key, e.target.value)}
              style={field}
            />
            {error ? (
              <Text id={`${id}-error`} role="alert" style={errorText} data-testid={`error-${path}.${f.key}`}>
                {error}
              </Text>
            ) : null}
          </Box>
        );
      })}
    </FormGroup>
  );
};

export default ShipFromAddress;
