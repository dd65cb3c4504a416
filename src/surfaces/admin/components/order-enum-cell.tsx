// An enum column in words (resources/enum-columns.ts enumProperty), in lists and on show pages:
// record.params.<path>Label (set by the list's after-hook from presentation/labels.ts), else the property's
// availableValues label, on its badge colours when the property's `custom.badges` has them (statuses), as plain
// text otherwise (payment methods), instead of the enum name on AdminJS's one low-contrast grey. On a show page
// it keeps the field's name above it in AdminJS's own ValueGroup, as its default show property does.
import React from 'react';
import { ValueGroup } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';

type Badges = Record<string, { background: string; text: string }>;

const OrderEnumCell: React.FC<BasePropertyProps> = ({ record, property, where }) => {
  const { translateProperty } = useTranslation();
  const value = String(record?.params?.[property.path] ?? '');
  const label = String(
    record?.params?.[`${property.path}Label`] ?? property.availableValues?.find((v) => v.value === value)?.label ?? value,
  );
  const colours = (property.custom as { badges?: Badges } | undefined)?.badges?.[value];
  const shown = !colours ? (
    <span>{label}</span>
  ) : (
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
  if (where !== 'show') return shown;
  return (
    <div data-testid={`enum-${property.path}`}>
      <ValueGroup label={translateProperty(property.label, property.resourceId)}>{value ? shown : '—'}</ValueGroup>
    </div>
  );
};

export default OrderEnumCell;
