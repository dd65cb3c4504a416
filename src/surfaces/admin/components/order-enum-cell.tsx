// An enum cell of a list in words: record.params.<path>Label (set by the list's after-hook from
// presentation/labels.ts), else the property's availableValues label, on its badge colours when the property's `custom.badges` has them (statuses),
// as plain text otherwise (payment methods), instead of the enum name on AdminJS's one low-contrast grey.
import React from 'react';
import type { BasePropertyProps } from 'adminjs';

type Badges = Record<string, { background: string; text: string }>;

const OrderEnumCell: React.FC<BasePropertyProps> = ({ record, property }) => {
  const value = String(record?.params?.[property.path] ?? '');
  const label = String(
    record?.params?.[`${property.path}Label`] ?? property.availableValues?.find((v) => v.value === value)?.label ?? value,
  );
  const colours = (property.custom as { badges?: Badges } | undefined)?.badges?.[value];
  if (!colours) return <span>{label}</span>;
  return (
    <span
      data-testid={`order-${property.path}-badge`}
      style={{
        display: 'inline-block',
        padding: '2px 8px',
        borderRadius: 12,
        fontSize: 12,
        fontWeight: 600,
        whiteSpace: 'nowrap',
        background: colours.background,
        color: colours.text,
      }}
    >
      {label}
    </span>
  );
};

export default OrderEnumCell;
