// The orders list's title cell. AdminJS hides every other column below its tablet breakpoint, so on a phone
// this cell alone carries the row: order number, then (phones only) customer, status, total and the order's day.
// The words and the day come from the list's after-hook (orders.resource.ts): the day is the shop's
// (platform/time-format.ts formatDate), one rule with every other date of the panel.
import React from 'react';
import { Box, Text } from '@adminjs/design-system';
import type { BasePropertyProps } from 'adminjs';

type Badges = Record<string, { background: string; text: string }>;

const OrderNumberCell: React.FC<BasePropertyProps> = ({ record, property }) => {
  const p = record?.params ?? {};
  const status = String(p.status ?? '');
  const colours = (property.custom as { badges?: Badges } | undefined)?.badges?.[status];
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
          {[String(p.paymentMethodLabel ?? ''), String(p.createdDay ?? '')].filter(Boolean).join(' · ')}
        </Text>
      </Box>
    </Box>
  );
};

export default OrderNumberCell;
