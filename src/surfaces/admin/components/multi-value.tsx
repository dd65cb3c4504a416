// Edits (where="edit") and shows (show, list) a list column. Edits a list column (payment methods, Discord role ids) as the list it is. With known options (the
// property's custom.options, or `<path>Options` the edit action put on the record, e.g. the guild's roles
// listed by the bot) it is one checkbox per option, by name; without options (the bot cannot list them)
// it is the list of ids with a remove button each and an input to add more. Values the options do not know
// (a deleted role) stay listed and checked, so saving never drops what it does not show.
import React, { useState } from 'react';
import { Box, Button, FormGroup, FormMessage, Input, Label } from '@adminjs/design-system';
import { flat, PropertyLabel, useTranslation, type EditPropertyProps } from 'adminjs';

interface Option {
  value: string;
  label: string;
}

function optionsFor(property: EditPropertyProps['property'], params: Record<string, unknown> | undefined): Option[] | null {
  const dynamic = params?.[`${property.path}Options`];
  if (typeof dynamic === 'string' && dynamic) {
    try {
      const parsed = JSON.parse(dynamic) as Option[];
      if (Array.isArray(parsed) && parsed.length) return parsed;
    } catch {
      // fall back to the static options or ids
    }
  }
  const fixed = (property.custom as { options?: Option[] } | undefined)?.options;
  return fixed?.length ? fixed : null;
}

function valuesOf(params: Record<string, unknown> | undefined, path: string): string[] {
  const v: unknown = flat.get((params ?? {}) as Parameters<typeof flat.get>[0], path);
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined && x !== '').map(String);
  if (typeof v === 'string' && v) return [v];
  return [];
}

/** Show and list: by name where names are known, else by id; "None" for an empty list. */
const MultiValueShow: React.FC<EditPropertyProps> = ({ property, record, where }) => {
  const values = valuesOf(record?.params, property.path);
  const options = optionsFor(property, record?.params) ?? [];
  const { translateProperty } = useTranslation();
  const text = values.length ? values.map((v) => options.find((o) => o.value === v)?.label ?? v).join(', ') : 'None';
  if (where === 'list') return <span>{text}</span>;
  return (
    <Box mb="xl" data-testid={`multi-value-show-${property.path}`}>
      <Label>{translateProperty(property.label, property.resourceId)}</Label>
      <div>{text}</div>
    </Box>
  );
};

/** One value (custom.single, e.g. the admin channel): a select by name, or the id typed. */
const SingleValueEdit: React.FC<EditPropertyProps> = ({ property, record, onChange }) => {
  const value = String(record?.params?.[property.path] ?? '');
  const options = optionsFor(property, record?.params);
  const error = record?.errors?.[property.path];
  const set = (v: string) => onChange(property.path, v.trim() === '' ? null : v.trim());
  const all = options && value && !options.some((o) => o.value === value) ? [...options, { value, label: `Unknown (${value})` }] : options;
  return (
    <FormGroup error={Boolean(error)} data-testid={`multi-value-${property.path}`}>
      <PropertyLabel property={property} />
      {all ? (
        <select
          name={property.path}
          value={value}
          onChange={(e) => set(e.target.value)}
          style={{ width: '100%', padding: 8, border: '1px solid #C0C0CA', borderRadius: 4, background: '#fff' }}
        >
          <option value="">None</option>
          {all.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : (
        <Input
          name={property.path}
          value={value}
          placeholder="Discord id"
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => set(e.target.value)}
        />
      )}
      <FormMessage>{error?.message ?? property.description ?? ''}</FormMessage>
    </FormGroup>
  );
};

const MultiValue: React.FC<EditPropertyProps> = (props) => {
  if (props.where !== 'edit') return <MultiValueShow {...props} />;
  return (props.property.custom as { single?: boolean } | undefined)?.single ? (
    <SingleValueEdit {...props} />
  ) : (
    <MultiValueEdit {...props} />
  );
};

const MultiValueEdit: React.FC<EditPropertyProps> = ({ property, record, onChange }) => {
  const values = valuesOf(record?.params, property.path);
  const options = optionsFor(property, record?.params);
  const [draft, setDraft] = useState('');
  const error =
    record?.errors?.[property.path] ?? Object.entries(record?.errors ?? {}).find(([k]) => k.startsWith(`${property.path}.`))?.[1];
  const set = (next: string[]) => onChange(property.path, [...new Set(next)]);
  const testid = `multi-value-${property.path}`;

  if (options) {
    const known = new Set(options.map((o) => o.value));
    const all = [...options, ...values.filter((v) => !known.has(v)).map((v) => ({ value: v, label: `Unknown (${v})` }))];
    return (
      <FormGroup error={Boolean(error)} data-testid={testid}>
        <PropertyLabel property={property} />
        <Box flex flexDirection="row" style={{ flexWrap: 'wrap', gap: '8px 20px' }}>
          {all.map((o) => (
            <label key={o.value} style={{ display: 'inline-flex', alignItems: 'center', gap: 6, cursor: 'pointer' }}>
              <input
                type="checkbox"
                name={property.path}
                value={o.value}
                checked={values.includes(o.value)}
                onChange={(e) => set(e.target.checked ? [...values, o.value] : values.filter((v) => v !== o.value))}
              />
              {o.label}
            </label>
          ))}
        </Box>
        <FormMessage>{error?.message ?? property.description ?? ''}</FormMessage>
      </FormGroup>
    );
  }

  const add = () => {
    const parts = draft
      .split(/[\s,]+/)
      .map((p) => p.trim())
      .filter(Boolean);
    if (parts.length) set([...values, ...parts]);
    setDraft('');
  };
  return (
    <FormGroup error={Boolean(error)} data-testid={testid}>
      <PropertyLabel property={property} />
      <Box flex flexDirection="row" style={{ flexWrap: 'wrap', gap: 8, marginBottom: values.length ? 8 : 0 }}>
        {values.map((v) => (
          <span
            key={v}
            data-testid={`${testid}-item`}
            style={{
              display: 'inline-flex',
              alignItems: 'center',
              gap: 6,
              border: '1px solid #898A9A',
              borderRadius: 4,
              padding: '4px 8px',
              fontFamily: 'monospace',
            }}
          >
            {v}
            <button
              type="button"
              aria-label={`Remove ${v}`}
              onClick={() => set(values.filter((x) => x !== v))}
              style={{ border: 0, background: 'none', cursor: 'pointer', fontSize: 16, lineHeight: 1 }}
            >
              ×
            </button>
          </span>
        ))}
        {!values.length && <span style={{ color: '#454655' }}>None</span>}
      </Box>
      <Box flex flexDirection="row" style={{ gap: 8 }}>
        <Input
          data-testid={`${testid}-input`}
          value={draft}
          placeholder="Paste an id and press Enter"
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => setDraft(e.target.value)}
          onKeyDown={(e: React.KeyboardEvent<HTMLInputElement>) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
          onBlur={add}
        />
        <Button type="button" variant="outlined" onClick={add}>
          Add
        </Button>
      </Box>
      <FormMessage>{error?.message ?? property.description ?? ''}</FormMessage>
    </FormGroup>
  );
};

export default MultiValue;
