// A date-time field of the panel, in lists, show pages and forms: one format, in the shop's time zone.
// Both come from the page (window.LEDGERLINE_PAGE, written by auth/csrf-page.ts from platform/time-format.ts),
// so the browser formats exactly as the server's formatDateTime does.
// In a form, the admin types the shop's wall clock (a native date-time input, which phones show as their own
// picker) and the field sends it with the shop's zone, "2026-12-15T09:00[America/New_York]"; the server makes
// the instant (platform/zoned-time.ts), so what the form shows is what the show page reads, wherever the admin is.
import React from 'react';
import { Box, Button, FormGroup, FormMessage, Input, Label } from '@adminjs/design-system';
import { PropertyLabel, useTranslation, type EditPropertyProps, type ShowPropertyProps } from 'adminjs';

interface PageContext {
  timeZone?: string;
  dateFormat?: Intl.DateTimeFormatOptions;
}

const page = (): PageContext => ((window as unknown as { LEDGERLINE_PAGE?: PageContext }).LEDGERLINE_PAGE ?? {}) as PageContext;
const shopZone = () => page().timeZone ?? 'UTC';

function formatShopDate(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  const date = new Date(String(value));
  if (Number.isNaN(date.getTime())) return String(value);
  try {
    return new Intl.DateTimeFormat('en-US', { ...(page().dateFormat ?? {}), timeZone: shopZone() }).format(date);
  } catch {
    return date.toISOString();
  }
}

/** A wall time typed and sent back by a refused save: "2026-12-15T09:00[Zone]". */
const TYPED = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?::\d{2})?\[[^\]]+\]$/;

/** The input's value: the stored instant as the shop's wall clock ("2026-12-15T09:00"), or what was typed. */
function wallTime(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  const typed = TYPED.exec(String(value));
  if (typed) return typed[1]!;
  const date = new Date(String(value));
  if (Number.isNaN(date.getTime())) return '';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: shopZone(),
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

const DateTimeEdit: React.FC<EditPropertyProps> = ({ property, record, onChange }) => {
  const value = record?.params?.[property.path];
  const error = record?.errors?.[property.path];
  const zone = shopZone();
  return (
    <FormGroup error={Boolean(error)}>
      <PropertyLabel property={property} />
      <Box flex flexDirection="row" alignItems="center">
        <Input
          type="datetime-local"
          id={property.path}
          name={property.path}
          data-testid={`date-edit-${property.path}`}
          value={wallTime(value)}
          disabled={property.isDisabled}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => {
            const input = e.target;
            // A half-typed date (badInput) is sent as it is, so the save refuses it rather than clearing the field.
            if (input.value === '') onChange(property.path, input.validity.badInput ? 'incomplete' : '');
            else onChange(property.path, `${input.value}[${zone}]`);
          }}
        />
        {value ? (
          <Button type="button" variant="text" size="sm" ml="default" onClick={() => onChange(property.path, '')}>
            Clear
          </Button>
        ) : null}
      </Box>
      <FormMessage>{error ? error.message : `Shop time (${zone}).`}</FormMessage>
    </FormGroup>
  );
};

const DateTime: React.FC<(ShowPropertyProps | EditPropertyProps) & { where?: string }> = (props) => {
  const { translateProperty } = useTranslation();
  const { property, record, where } = props;
  if (where === 'edit') return <DateTimeEdit {...(props as EditPropertyProps)} />;
  const text = formatShopDate(record?.params?.[property.path]);
  if (where === 'list') return <span>{text}</span>;
  return (
    <Box mb="xl">
      <Label>{translateProperty(property.label, property.resourceId)}</Label>
      <div data-testid={`date-${property.path}`}>{text || '—'}</div>
    </Box>
  );
};

export default DateTime;
