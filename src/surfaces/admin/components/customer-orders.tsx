// The customer's orders on the customer's page: number (a link to the order), date, status as a coloured
// badge, total. Rows come formatted from resources/sales.resources.ts (`customerOrdersJson`, added by the show
// action's GET; use-action-data.ts): until they have come this says they are loading, and if they could not be loaded
// it says so with "Try again", never "No orders yet." for a customer who has orders.
import React from 'react';
import { Box, H4, Text } from '@adminjs/design-system';
import type { ShowPropertyProps } from 'adminjs';
import { LoadPending, useActionData } from './use-action-data.js';

interface Row {
  id: string;
  number: number;
  url: string;
  when: string;
  status: string;
  badge: { background: string; text: string };
  total: string;
}

const CustomerOrders: React.FC<ShowPropertyProps> = ({ record, resource }) => {
  const loaded = useActionData<Row[]>({ resourceId: resource.id, record, actionName: 'show', param: 'customerOrdersJson' });
  const rows = loaded.data;
  if (!rows)
    return (
      <Box mb="xl" data-testid="customer-orders-loading">
        <H4>Orders</H4>
        <LoadPending
          data={loaded}
          loading="Loading the customer's orders…"
          failedMessage="The customer's orders could not be loaded."
          failedTestId="customer-orders-load-failed"
        />
      </Box>
    );
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
