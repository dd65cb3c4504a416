// A date-time column in lists and show pages: one format for the whole panel, in the shop's time zone.
// Both come from the page (window.LEDGERLINE_PAGE, written by auth/csrf-page.ts from platform/time-format.ts),
// so the browser formats exactly as the server's formatDateTime does.
import React from 'react';
import { Box, Label } from '@adminjs/design-system';
import { useTranslation, type ShowPropertyProps } from 'adminjs';

interface PageContext {
  timeZone?: string;
  dateFormat?: Intl.DateTimeFormatOptions;
}

function formatShopDate(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  const date = new Date(String(value));
  if (Number.isNaN(date.getTime())) return String(value);
  const page = ((window as unknown as { LEDGERLINE_PAGE?: PageContext }).LEDGERLINE_PAGE ?? {}) as PageContext;
  try {
    return new Intl.DateTimeFormat('en-US', { ...(page.dateFormat ?? {}), timeZone: page.timeZone ?? 'UTC' }).format(date);
  } catch {
    return date.toISOString();
  }
}

const DateTime: React.FC<ShowPropertyProps & { where?: string }> = ({ property, record, where }) => {
  const { translateProperty } = useTranslation();
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
