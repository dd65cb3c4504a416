// The order detail page (spec 000 "Viewing Orders"): line items, shipping address, payment information,
// discount, sales tax, notes, refunds and the audit trail. The server sends everything already formatted
// (record.params.detailJson, built by resources/order-view.ts).
import React from 'react';
import { Badge, Box, H3, H4, Table, TableBody, TableCell, TableHead, TableRow, Text } from '@adminjs/design-system';
import type { ActionProps } from 'adminjs';

interface View {
  number: number;
  status: string;
  shippingStatus: string;
  trackingNumber: string | null;
  notes: string | null;
  createdAt: string;
  paidAt: string | null;
  cancelledAt: string | null;
  customer: { name: string; discordUserId: string };
  paymentMethod: string;
  shippingAddress: Record<string, string | undefined> | null;
  lines: { productId: string; sku: string; name: string; quantity: number; refundedQuantity: number; unitPrice: string; lineTotal: string }[];
  totals: { subtotal: string; discount: string; discountName: string | null; shipping: string; shippingTypeName: string | null; tax: string; total: string; refunded: string; remaining: string };
  payments: { id: string; method: string; status: string; amount: string; refunded: string; reference: string | null; confirmedAt: string | null }[];
  refunds: { id: string; mode: string; amount: string; reason: string; items: string; at: string; by: string }[];
  audit: { id: string; at: string; action: string; actor: string; change: string }[];
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

const Section: React.FC<{ title: string; children: React.ReactNode }> = ({ title, children }) => (
  <Box mb="xl">
    <H4 mb="default">{title}</H4>
    {children}
  </Box>
);

const Row: React.FC<{ label: string; value: React.ReactNode }> = ({ label, value }) => (
  <TableRow>
    <TableCell width="220px"><Text fontWeight="bold">{label}</Text></TableCell>
    <TableCell>{value}</TableCell>
  </TableRow>
);

const OrderShow: React.FC<ActionProps> = ({ record }) => {
  const raw = record?.params?.detailJson;
  if (!raw) return <Box variant="container"><Text>Loading order…</Text></Box>;
  const o = JSON.parse(String(raw)) as View;
  const a = o.shippingAddress;
  return (
    <Box variant="container" data-testid="order-detail">
      <H3>
        Order #{o.number} <Badge data-testid="order-status" variant={o.status === 'CANCELLED' || o.status === 'REFUNDED' ? 'danger' : 'primary'}>{o.status}</Badge>
      </H3>
      <Text mb="xl">Placed {when(o.createdAt)} by {o.customer.name} (Discord {o.customer.discordUserId})</Text>

      <Section title="Line items">
        <Table>
          <TableHead>
            <TableRow>
              <TableCell>Product</TableCell><TableCell>SKU</TableCell><TableCell>Product id</TableCell>
              <TableCell>Qty</TableCell><TableCell>Refunded</TableCell><TableCell>Unit price</TableCell><TableCell>Line total</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {o.lines.map((l) => (
              <TableRow key={l.productId}>
                <TableCell>{l.name}</TableCell><TableCell>{l.sku}</TableCell><TableCell><code>{l.productId}</code></TableCell>
                <TableCell>{l.quantity}</TableCell><TableCell>{l.refundedQuantity}</TableCell><TableCell>{l.unitPrice}</TableCell><TableCell>{l.lineTotal}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Section>

      <Section title="Totals">
        <Table>
          <TableBody>
            <Row label="Subtotal" value={o.totals.subtotal} />
            <Row label={`Discount${o.totals.discountName ? ` (${o.totals.discountName})` : ''}`} value={o.totals.discount} />
            <Row label={`Shipping${o.totals.shippingTypeName ? ` (${o.totals.shippingTypeName})` : ''}`} value={o.totals.shipping} />
            <Row label="Sales tax" value={o.totals.tax} />
            <Row label="Total" value={<strong data-testid="order-total">{o.totals.total}</strong>} />
            <Row label="Refunded" value={<span data-testid="order-refunded">{o.totals.refunded}</span>} />
            <Row label="Remaining balance" value={o.totals.remaining} />
          </TableBody>
        </Table>
      </Section>

      <Section title="Shipping">
        <Table>
          <TableBody>
            <Row label="Address" value={a ? [a.name, a.line1, a.line2, [a.city, a.state, a.postalCode].filter(Boolean).join(' '), a.country].filter(Boolean).join(', ') : '—'} />
            <Row label="Shipping status" value={o.shippingStatus} />
            <Row label="Tracking number" value={o.trackingNumber ?? '—'} />
          </TableBody>
        </Table>
      </Section>

      <Section title="Payment">
        <Table>
          <TableHead>
            <TableRow><TableCell>Method</TableCell><TableCell>Status</TableCell><TableCell>Amount</TableCell><TableCell>Refunded</TableCell><TableCell>Reference</TableCell><TableCell>Confirmed</TableCell></TableRow>
          </TableHead>
          <TableBody>
            {o.payments.map((p) => (
              <TableRow key={p.id}>
                <TableCell>{p.method}</TableCell><TableCell>{p.status}</TableCell><TableCell>{p.amount}</TableCell>
                <TableCell>{p.refunded}</TableCell><TableCell>{p.reference ?? '—'}</TableCell><TableCell>{when(p.confirmedAt)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Section>

      <Section title="Notes">
        <Text style={{ whiteSpace: 'pre-wrap' }}>{o.notes || '—'}</Text>
      </Section>

      <Section title="Refunds">
        {o.refunds.length === 0 ? <Text>No refunds.</Text> : (
          <Table data-testid="order-refunds">
            <TableHead>
              <TableRow><TableCell>When</TableCell><TableCell>Mode</TableCell><TableCell>Amount</TableCell><TableCell>Items</TableCell><TableCell>Reason</TableCell><TableCell>By</TableCell></TableRow>
            </TableHead>
            <TableBody>
              {o.refunds.map((r) => (
                <TableRow key={r.id}>
                  <TableCell>{when(r.at)}</TableCell><TableCell>{r.mode}</TableCell><TableCell>{r.amount}</TableCell>
                  <TableCell>{r.items || '—'}</TableCell><TableCell>{r.reason}</TableCell><TableCell>{r.by}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Section>

      <Section title="Audit trail">
        {o.audit.length === 0 ? <Text>No changes recorded.</Text> : (
          <Table>
            <TableHead>
              <TableRow><TableCell>When</TableCell><TableCell>Action</TableCell><TableCell>By</TableCell><TableCell>Change</TableCell></TableRow>
            </TableHead>
            <TableBody>
              {o.audit.map((e) => (
                <TableRow key={e.id}>
                  <TableCell>{when(e.at)}</TableCell><TableCell>{e.action}</TableCell><TableCell>{e.actor}</TableCell><TableCell>{e.change}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Section>
    </Box>
  );
};

export default OrderShow;
