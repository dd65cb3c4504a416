// The orders list's status cell: the status in words (record.params.statusLabel, from presentation/labels.ts)
// on its badge colours (property.custom.badges), instead of the enum name on one grey.
import React from 'react';
import type { BasePropertyProps } from 'adminjs';

type Badges = Record<string, { background: string; text: string }>;

const OrderStatusCell: React.FC<BasePropertyProps> = ({ record, property }) => {
  const value = String(record?.params?.[property.path] ?? '');
  const label = String(record?.params?.statusLabel ?? value);
  const colours = (property.custom as { badges?: Badges } | undefined)?.badges?.[value];
  return (
    <span
      data-testid="order-status-badge"
      style={{ display: 'inline-block', padding: '2px 8px', borderRadius: 12, fontSize: 12, fontWeight: 600, whiteSpace: 'nowrap', background: colours?.background ?? '#ECEDF1', color: colours?.text ?? '#2F3140' }}
    >
      {label}
    </span>
  );
};

export default OrderStatusCell;
