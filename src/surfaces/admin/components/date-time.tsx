// A date-time field of the panel, in lists, show pages, forms and list filters: one format, in the shop's time zone.
// Both come from the page (window.LEDGERLINE_PAGE, written by auth/csrf-page.ts from platform/time-format.ts),
// so the browser formats exactly as the server's formatDateTime does.
// In a form, the admin types the shop's wall clock (a native date-time input, which phones show as their own
// picker) and the field sends it with the shop's zone, "2026-12-15T09:00[America/New_York]"; the server makes
// the instant (platform/zoned-time.ts), so what the form shows is what the show page reads, wherever the admin is.
import React from 'react';
import { Box, Button, FormGroup, FormMessage, Input, Label } from '@adminjs/design-system';
import { PropertyLabel, useTranslation, type EditPropertyProps, type FilterPropertyProps, type ShowPropertyProps } from 'adminjs';

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

/** A day filter ends with the zone: "2026-12-01[America/New_York]"; the input shows the day. */
const filterDay = (value: unknown) => /^(\d{4}-\d{2}-\d{2})/.exec(typeof value === 'string' ? value : '')?.[1] ?? '';

/**
 * The list filter: from one shop day to another, both included. Each end is sent as the day with the shop's
 * zone; the server makes it the day's first or last instant (adapter/scoped-resource.ts, platform/zoned-time.ts).
 */
const DateRangeFilter: React.FC<FilterPropertyProps> = ({ property, filter, onChange }) => {
  const zone = shopZone();
  const end = (edge: 'from' | 'to', label: string) => {
    const key = `${property.path}~~${edge}`;
    return (
      <Box flex flexDirection="row" alignItems="center" mt="sm">
        <Label htmlFor={`filter-${key}`} mr="default" mb="0" style={{ minWidth: '3em' }}>
          {label}
        </Label>
        <Input
          type="date"
          id={`filter-${key}`}
          data-testid={`date-filter-${property.path}-${edge}`}
          value={filterDay(filter?.[key])}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange(key, e.target.value ? `${e.target.value}[${zone}]` : '')}
        />
      </Box>
    );
  };
  return (
    <FormGroup variant="filter">
      <PropertyLabel property={property} filter />
      {end('from', 'From')}
      {end('to', 'To')}
      <FormMessage>Shop days ({zone}), both included.</FormMessage>
    </FormGroup>
  );
};

const DateTime: React.FC<(ShowPropertyProps | EditPropertyProps | FilterPropertyProps) & { where?: string }> = (props) => {
  const { translateProperty } = useTranslation();
  const { property, record, where } = props as ShowPropertyProps & { where?: string };
  if (where === 'edit') return <DateTimeEdit {...(props as EditPropertyProps)} />;
  if (where === 'filter') return <DateRangeFilter {...(props as FilterPropertyProps)} />;
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
