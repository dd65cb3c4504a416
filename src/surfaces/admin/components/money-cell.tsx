// A money column's list cell (resources/money-columns.ts moneyProperty): the formatted amount ("$42.50",
// "¥2,450") on one line, never wrapped between its sign and its digits in a narrow column.
import React from 'react';
import type { BasePropertyProps } from 'adminjs';

const MoneyCell: React.FC<BasePropertyProps> = ({ record, property }) => {
  const value = record?.params?.[property.path];
  if (value === null || value === undefined || value === '') return null;
  return (
    <span data-testid={`money-${property.path}`} style={{ whiteSpace: 'nowrap' }}>
      {String(value)}
    </span>
  );
};

export default MoneyCell;
