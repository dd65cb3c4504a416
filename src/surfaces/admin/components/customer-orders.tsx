// The customer's orders on the customer's page: number (a link to the order), date, status as a coloured
// badge, total. Rows come formatted from resources/sales.resources.ts (`customerOrdersJson`).
import React from 'react';
import { Box, H4, Text } from '@adminjs/design-system';
import type { ShowPropertyProps } from 'adminjs';

interface Row {
  id: string;
  number: number;
  url: string;
  when: string;
  status: string;
  badge: { background: string; text: string };
  total: string;
}

const CustomerOrders: React.FC<ShowPropertyProps> = ({ record }) => {
  let rows: Row[] = [];
  try {
    rows = JSON.parse(String(record?.params?.customerOrdersJson ?? '[]')) as Row[];
  } catch {
    rows = [];
  }
  const cell = { padding: '6px 12px 6px 0', textAlign: 'left' as const };
  return (
    <Box mb="xl" data-testid="customer-orders">
      <H4>Orders</H4>
      {rows.length === 0 ? (
        <Text>No orders yet.</Text>
      ) : (
        <table style={{ borderCollapse: 'collapse' }}>
          <thead>
            <tr>
              <th style={cell}>Order</th>
              <th style={cell}>Placed</th>
              <th style={cell}>Status</th>
              <th style={cell}>Total</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="customer-order-row">
                <td style={cell}>
                  <a href={r.url}>#{r.number}</a>
                </td>
                <td style={cell}>{r.when}</td>
                <td style={cell}>
                  <span
                    style={{
                      background: r.badge.background,
                      color: r.badge.text,
                      borderRadius: 12,
                      padding: '2px 10px',
                      fontSize: 13,
                      fontWeight: 600,
                    }}
                  >
                    {r.status}
                  </span>
                </td>
                <td style={cell}>{r.total}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Box>
  );
};

export default CustomerOrders;
