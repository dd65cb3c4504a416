// The Refund action's form (spec 000 "Via Admin Panel"): Full (default), Partial by amount (cents),
// Partial by items (productId:quantity pairs), Both (items drive stock and roles, the amount overrides).
// The server computes a preview first (services.refunds.preview); the refund is submitted only for the
// previewed values, with an idempotency key so a double click or a retried request refunds once.
import React, { useMemo, useState } from 'react';
import { Box, Button, H3, Input, Label, MessageBox, Table, TableBody, TableCell, TableHead, TableRow, Text, TextArea } from '@adminjs/design-system';
import { ApiClient, useNotice, type ActionProps } from 'adminjs';

type Mode = 'FULL' | 'PARTIAL_AMOUNT' | 'PARTIAL_ITEMS' | 'BOTH';

interface Line { productId: string; name: string; quantity: number; refundedQuantity: number; unitPrice: string }
interface RefundContext { number: number; status: string; total: string; refunded: string; remaining: string; lines: Line[] }
interface Preview {
  mode: Mode;
  amount: string;
  refundedBefore: string;
  remainingAfter: string;
  resultingStatus: string;
  items: { productId: string; name: string; quantity: number; amount: string }[];
}

const MODES: { value: Mode; label: string; hint: string }[] = [
  { value: 'FULL', label: 'Full', hint: 'Refund the entire remaining balance; all stock back, all roles revoked.' },
  { value: 'PARTIAL_AMOUNT', label: 'Partial by amount', hint: 'Refund an amount in cents; no stock or role change.' },
  { value: 'PARTIAL_ITEMS', label: 'Partial by items', hint: 'Refund these units at their price; their stock comes back and their roles are revoked.' },
  { value: 'BOTH', label: 'Both', hint: 'The items drive stock and roles; the amount you enter is what is refunded.' },
];

const api = new ApiClient();

/** Adds one unit of a product to the "productId:quantity, ..." text (the +1 buttons beside each line). */
function addOne(text: string, productId: string): string {
  const pairs = text.split(',').map((p) => p.trim()).filter(Boolean);
  let found = false;
  const next = pairs.map((p) => {
    const [id, qty] = p.split(':').map((x) => x.trim());
    if (id !== productId) return p;
    found = true;
    return `${id}:${(Number(qty) || 1) + 1}`;
  });
  if (!found) next.push(`${productId}:1`);
  return next.join(', ');
}

function newKey(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return c?.randomUUID ? c.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

const RefundForm: React.FC<ActionProps> = ({ record, resource }) => {
  const ctx: RefundContext = useMemo(() => JSON.parse(String(record?.params?.refundContextJson ?? '{"lines":[]}')), [record]);
  const idempotencyKey = useMemo(newKey, []);
  const addNotice = useNotice();
  const [mode, setMode] = useState<Mode>('FULL');
  const [amountCents, setAmountCents] = useState('');
  const [items, setItems] = useState('');
  const [reason, setReason] = useState('Admin-initiated refund');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const showAmount = mode === 'PARTIAL_AMOUNT' || mode === 'BOTH';
  const showItems = mode === 'PARTIAL_ITEMS' || mode === 'BOTH';
  const changed = (f: () => void) => {
    f();
    setPreview(null);
    setError(null);
  };

  const call = async (intent: 'preview' | 'refund') => {
    const res = await api.recordAction({
      resourceId: resource.id,
      recordId: String(record?.id),
      actionName: 'refund',
      data: { intent, mode, amountCents, items, reason, idempotencyKey },
    });
    return res.data as { notice?: { message: string; type: string }; preview?: Preview; redirectUrl?: string };
  };

  const onPreview = async () => {
    setBusy(true);
    try {
      const data = await call('preview');
      if (data.notice?.type === 'error') {
        setPreview(null);
        setError(data.notice.message);
      } else {
        setPreview(data.preview ?? null);
        setError(null);
      }
    } catch {
      setError('The preview could not be loaded. Check your connection and try again.');
    } finally {
      setBusy(false);
    }
  };

  const onRefund = async () => {
    setBusy(true);
    try {
      const data = await call('refund');
      if (data.notice) addNotice({ message: data.notice.message, type: data.notice.type === 'error' ? 'error' : 'success' });
      if (data.notice?.type === 'error') {
        setError(data.notice.message);
        setPreview(null);
      } else if (data.redirectUrl) {
        window.location.assign(data.redirectUrl);
      }
    } catch {
      setError('The refund request failed. Reload the order to see whether it was applied before trying again.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box variant="container" data-testid="refund-form">
      <H3>Refund order #{ctx.number}</H3>
      <Text mb="lg">
        Total {ctx.total} · refunded so far {ctx.refunded} · remaining <strong>{ctx.remaining}</strong> · status {ctx.status}
      </Text>

      <Table mb="xl">
        <TableHead>
          <TableRow>
            <TableCell>Product id</TableCell>
            <TableCell>Name</TableCell>
            <TableCell>Bought</TableCell>
            <TableCell>Refunded</TableCell>
            <TableCell>Unit price</TableCell>
            {showItems && <TableCell />}
          </TableRow>
        </TableHead>
        <TableBody>
          {ctx.lines.map((l) => (
            <TableRow key={l.productId}>
              <TableCell><code>{l.productId}</code></TableCell>
              <TableCell>{l.name}</TableCell>
              <TableCell>{l.quantity}</TableCell>
              <TableCell>{l.refundedQuantity}</TableCell>
              <TableCell>{l.unitPrice}</TableCell>
              {showItems && (
                <TableCell>
                  <Button type="button" size="sm" variant="outlined" disabled={l.refundedQuantity >= l.quantity} onClick={() => changed(() => setItems(addOne(items, l.productId)))}>
                    + 1 to refund
                  </Button>
                </TableCell>
              )}
            </TableRow>
          ))}
        </TableBody>
      </Table>

      <Box mb="lg" role="radiogroup" aria-label="Refund mode">
        <Label>Refund mode</Label>
        {MODES.map((m) => (
          <Box key={m.value} mb="sm">
            <label>
              <input type="radio" name="mode" value={m.value} checked={mode === m.value} onChange={() => changed(() => setMode(m.value))} />{' '}
              <strong>{m.label}</strong> — <span>{m.hint}</span>
            </label>
          </Box>
        ))}
      </Box>

      {showAmount && (
        <Box mb="lg">
          <Label htmlFor="refund-amount">Amount (cents)</Label>
          <Input id="refund-amount" name="amountCents" width={1} inputMode="numeric" placeholder="e.g. 1250 for $12.50" value={amountCents} onChange={(e: React.ChangeEvent<HTMLInputElement>) => changed(() => setAmountCents(e.target.value))} />
        </Box>
      )}
      {showItems && (
        <Box mb="lg">
          <Label htmlFor="refund-items">Items (productId:quantity, comma-separated)</Label>
          <Input id="refund-items" name="items" width={1} placeholder="prod_abc:2, prod_def:1" value={items} onChange={(e: React.ChangeEvent<HTMLInputElement>) => changed(() => setItems(e.target.value))} />
        </Box>
      )}
      <Box mb="lg">
        <Label htmlFor="refund-reason">Reason</Label>
        <TextArea id="refund-reason" name="reason" width={1} value={reason} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => changed(() => setReason(e.target.value))} />
      </Box>

      {error && <MessageBox mb="lg" variant="danger" message={error} data-testid="refund-error" />}

      {preview && (
        <Box mb="lg" p="lg" bg="grey20" data-testid="refund-preview">
          <H3>Preview</H3>
          <Text>
            Mode {preview.mode}: refund <strong>{preview.amount}</strong>. Refunded before {preview.refundedBefore}; remaining after {preview.remainingAfter}.
          </Text>
          <Text>Order status after the refund: <strong>{preview.resultingStatus}</strong></Text>
          {preview.items.length > 0 && (
            <Text>Stock back and roles revoked for: {preview.items.map((i) => `${i.name} × ${i.quantity} (${i.amount})`).join(', ')}</Text>
          )}
        </Box>
      )}

      <Box flex flexDirection="row">
        <Button type="button" variant="outlined" mr="default" disabled={busy} onClick={onPreview} data-testid="refund-preview-button">
          Preview refund
        </Button>
        <Button type="button" variant="contained" color="danger" disabled={busy || !preview} onClick={onRefund} data-testid="refund-submit-button">
          {preview ? `Refund ${preview.amount}` : 'Refund (preview first)'}
        </Button>
      </Box>
    </Box>
  );
};

export default RefundForm;
