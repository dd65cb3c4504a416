// The orders list's title cell. AdminJS hides every other column below its tablet breakpoint, so on a phone
// this cell alone carries the row: order number, then (phones only) customer, status, total and date.
import React from 'react';
import { Box, Text } from '@adminjs/design-system';
import type { BasePropertyProps } from 'adminjs';

type Badges = Record<string, { background: string; text: string }>;

/** The order's date as the shop's day ("Dec 16, 2026"), in the shop's zone from the page (auth/csrf-page.ts), as
 * every other date of the panel: not the day wherever the admin's phone happens to be. */
function shopDay(value: unknown): string {
  if (!value) return '';
  const date = new Date(String(value));
  if (Number.isNaN(date.getTime())) return '';
  const zone = (window as unknown as { LEDGERLINE_PAGE?: { timeZone?: string } }).LEDGERLINE_PAGE?.timeZone ?? 'UTC';
  try {
    return new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: zone }).format(date);
  } catch {
    return date.toISOString().slice(0, 10);
  }
}

const OrderNumberCell: React.FC<BasePropertyProps> = ({ record, property }) => {
  const p = record?.params ?? {};
  const status = String(p.status ?? '');
  const colours = (property.custom as { badges?: Badges } | undefined)?.badges?.[status];
  const date = shopDay(p.createdAt);
  return (
    <Box>
      <Text fontWeight="bold">#{String(p.number ?? '')}</Text>
      {/* Shown below 769px only, where the other columns are hidden. */}
      <Box display={['block', 'block', 'none']} data-testid="order-row-phone-summary">
        <Text>{String(p.customerName ?? '')}</Text>
        <Text>
          <span
            style={{
              display: 'inline-block',
              padding: '1px 6px',
              borderRadius: 10,
              fontSize: 12,
              fontWeight: 600,
              background: colours?.background ?? '#ECEDF1',
              color: colours?.text ?? '#2F3140',
            }}
          >
            {String(p.statusLabel ?? status)}
          </span>{' '}
          <strong>{String(p.total ?? '')}</strong>
        </Text>
        <Text fontSize="sm" color="grey60">
          {[String(p.paymentMethodLabel ?? ''), date].filter(Boolean).join(' · ')}
        </Text>
      </Box>
    </Box>
  );
};

export default OrderNumberCell;
