// The Refund action's form (spec 000 "Via Admin Panel"), its modes named by the one list (refund-mode-words.ts,
// bundled in): Full (default), Partial by amount (typed as money in the
// order's currency, "12.50" or "12,50"; a refused amount is said under the field),
// Partial by items (a quantity per order line, 0 to what is still refundable, with the product's name, and
// per line whether the units go back into stock, as Shopify's restock choice; a quantity is kept as typed and one that
// is no whole number or more than the line has left is refused under its line, never rounded or capped), Both (items drive stock and
// roles, the amount overrides). The server computes a preview first (services.refunds.preview); the refund
// is submitted only for the previewed values, with an idempotency key so a double click or a retried
// request refunds once, and with the amount refunded it showed, so a refund another admin recorded since refuses
// it (said on the form; nothing refunded; a fresh form shows the new amounts). After the refund the panel navigates
// to the order page in-app (no full reload) and shows the server's notice, which for a by-hand payment method says
// that no money was sent.
// The order's lines and amounts come from the action's GET (use-action-data.ts): until they have come the page says
// it is loading, and if they could not be loaded it says so with "Try again", never a refund form without its lines.
import React, { useMemo, useState } from 'react';
import {
  Box,
  Button,
  H3,
  Input,
  Label,
  MessageBox,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Text,
  TextArea,
} from '@adminjs/design-system';
import { ApiClient, useActionResponseHandler, type ActionProps } from 'adminjs';
import { REFUND_MODE_LABELS } from '../../../modules/refunds/refund-mode-words.js';
import { LoadPending, useActionData } from './use-action-data.js';
import { wholeQuantity } from './whole-quantity.js';

type Mode = 'FULL' | 'PARTIAL_AMOUNT' | 'PARTIAL_ITEMS' | 'BOTH';

interface Line {
  productId: string;
  name: string;
  quantity: number;
  refundedQuantity: number;
  left: number;
  unitPrice: string;
}
interface RefundContext {
  number: number;
  statusLabel: string;
  customer: string;
  moneyReturn: string;
  currency: string;
  /** "In EUR, typed like 12.50 or 12,50; at most €40.00." */
  amountHint: string;
  amountExample: string;
  total: string;
  refunded: string;
  /** The amount refunded shown (`refunded`), in cents: posted back as refundedShown (refunds/refunded-meanwhile.ts). */
  refundedCents?: number;
  remaining: string;
  lines: Line[];
}
interface Preview {
  mode: Mode;
  amount: string;
  refundedBefore: string;
  remainingAfter: string;
  resultingStatusLabel: string;
  /** "Items $20.00 · discount −$2.00 · sales tax $1.49" */
  breakdown: string;
  tax: string;
  items: { productId: string; name: string; quantity: number; restockQuantity: number; amount: string }[];
}
interface Choice {
  /** The quantity as typed: read by wholeQuantity, posted as null when it is no whole number (the server refuses it). */
  typed: string;
  restock: boolean;
}
type FieldErrors = Record<string, { message?: string }>;

const MODES: { value: Mode; label: string; hint: string }[] = [
  {
    value: 'FULL',
    label: REFUND_MODE_LABELS.FULL,
    hint: 'Refund the entire remaining balance; every unit back in stock, all roles revoked.',
  },
  { value: 'PARTIAL_AMOUNT', label: REFUND_MODE_LABELS.PARTIAL_AMOUNT, hint: 'Refund an amount of money; no stock or role change.' },
  {
    value: 'PARTIAL_ITEMS',
    label: REFUND_MODE_LABELS.PARTIAL_ITEMS,
    hint: 'Refund these units at their price, less their share of the discount, plus their share of the sales tax; their roles are revoked, and the units you mark as returned go back into stock.',
  },
  { value: 'BOTH', label: REFUND_MODE_LABELS.BOTH, hint: 'The items drive stock and roles; the amount you enter is what is refunded.' },
];

const api = new ApiClient();

function newKey(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return c?.randomUUID
    ? c.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

function restockText(i: Preview['items'][number]): string {
  if (i.restockQuantity === i.quantity) return 'back in stock';
  if (i.restockQuantity === 0) return 'not restocked';
  return `${i.restockQuantity} back in stock`;
}

const RefundForm: React.FC<ActionProps> = ({ record, resource }) => {
  const loaded = useActionData<RefundContext>({ resourceId: resource.id, record, actionName: 'refund', param: 'refundContextJson' });
  if (!loaded.data)
    return (
      <Box variant="container" data-testid="refund-loading">
        <LoadPending
          data={loaded}
          loading="Loading the order's lines and amounts…"
          failedMessage="The order's lines and amounts could not be loaded, so nothing can be refunded yet."
          failedTestId="refund-load-failed"
        />
      </Box>
    );
  return <LoadedRefundForm record={record} resource={resource} ctx={loaded.data} />;
};

const LoadedRefundForm: React.FC<Pick<ActionProps, 'record' | 'resource'> & { ctx: RefundContext }> = ({ record, resource, ctx }) => {
  const idempotencyKey = useMemo(newKey, []);
  const handleResponse = useActionResponseHandler();
  const [mode, setMode] = useState<Mode>('FULL');
  const [amount, setAmount] = useState('');
  const [amountError, setAmountError] = useState<string | null>(null);
  /** The server's refusals under the lines: `lines.<productId>` under a line's quantity, `lines` under the table. */
  const [lineErrors, setLineErrors] = useState<FieldErrors>({});
  const [choices, setChoices] = useState<Record<string, Choice>>({});
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
    setAmountError(null);
    setLineErrors({});
  };
  /** The refusal's words for the amount field (the server's record.errors.amount), or none. */
  const fieldError = (data: { record?: { errors?: FieldErrors } }) => data.record?.errors?.amount?.message ?? null;
  /** The server's refusals of the lines (record.errors.lines, record.errors["lines.<productId>"]). */
  const linesErrors = (data: { record?: { errors?: FieldErrors } }): FieldErrors =>
    Object.fromEntries(Object.entries(data.record?.errors ?? {}).filter(([k]) => k === 'lines' || k.startsWith('lines.')));
  const lineError = (productId: string) => lineErrors[`lines.${productId}`]?.message;
  const choiceOf = (productId: string): Choice => choices[productId] ?? { typed: '0', restock: true };
  const setChoice = (line: Line, patch: Partial<Choice>) =>
    changed(() => setChoices((c) => ({ ...c, [line.productId]: { ...choiceOf(line.productId), ...patch } })));
  // Every line not left at 0, as typed: a quantity that is no whole number goes as null and more than is left as it is,
  // so the server refuses it under its line (never rounded, capped or dropped here).
  const lines = () =>
    JSON.stringify(
      ctx.lines
        .map((l) => ({
          productId: l.productId,
          quantity: wholeQuantity(choiceOf(l.productId).typed),
          restock: choiceOf(l.productId).restock,
        }))
        .filter((l) => l.quantity !== 0),
    );

  const call = async (intent: 'preview' | 'refund') =>
    api.recordAction({
      resourceId: resource.id,
      recordId: String(record?.id),
      actionName: 'refund',
      data: {
        intent,
        mode,
        amount,
        lines: lines(),
        reason,
        idempotencyKey,
        // What "refunded so far" showed: a refund recorded since (another admin's) refuses this one, nothing refunded.
        ...(ctx.refundedCents !== undefined ? { refundedShown: String(ctx.refundedCents) } : {}),
      },
    });

  const onPreview = async () => {
    setBusy(true);
    try {
      const { data } = (await call('preview')) as {
        data: { notice?: { message: string; type: string }; preview?: Preview; record?: { errors?: FieldErrors } };
      };
      if (data.notice?.type === 'error') {
        setPreview(null);
        setError(data.notice.message);
        setAmountError(fieldError(data));
        setLineErrors(linesErrors(data));
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
      const response = await call('refund');
      const data = response.data as {
        notice?: { message: string; type: string };
        record?: { errors?: FieldErrors };
      };
      if (data.notice?.type === 'error') {
        setError(data.notice.message);
        setAmountError(fieldError(data));
        setLineErrors(linesErrors(data));
        setPreview(null);
        setBusy(false);
        return;
      }
      // Shows the notice and opens the order page in-app (its data is re-fetched there).
      handleResponse(response as never);
    } catch {
      setError('The refund request failed. Reload the order to see whether it was applied before trying again.');
      setBusy(false);
    }
  };

  return (
    <Box variant="container" data-testid="refund-form">
      <H3>Refund order #{ctx.number}</H3>
      <Text mb="default">
        Total {ctx.total} · refunded so far {ctx.refunded} · remaining <strong>{ctx.remaining}</strong> · {ctx.statusLabel}
      </Text>
      <MessageBox mb="lg" variant="info" message={ctx.moneyReturn} data-testid="refund-money-return" />

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

      <Box mb="xl" style={{ overflowX: 'auto' }}>
        <Table data-testid="refund-lines">
          <TableHead>
            <TableRow>
              <TableCell>Product</TableCell>
              <TableCell>Bought</TableCell>
              <TableCell>Refunded</TableCell>
              <TableCell>Unit price</TableCell>
              {showItems && <TableCell>Units to refund</TableCell>}
              {showItems && <TableCell>Back in stock?</TableCell>}
            </TableRow>
          </TableHead>
          <TableBody>
            {ctx.lines.map((l) => {
              const c = choiceOf(l.productId);
              const refused = showItems ? lineError(l.productId) : undefined;
              return (
                <TableRow key={l.productId}>
                  <TableCell>{l.name}</TableCell>
                  <TableCell>{l.quantity}</TableCell>
                  <TableCell>{l.refundedQuantity}</TableCell>
                  <TableCell>{l.unitPrice}</TableCell>
                  {showItems && (
                    <TableCell>
                      {/* Text, not a number input: that one reports "-", "1e" or "1.5." as empty, and steps away from what was typed. */}
                      <Input
                        type="text"
                        inputMode="numeric"
                        width={90}
                        disabled={l.left === 0}
                        aria-label={`Units of ${l.name} to refund (at most ${l.left})`}
                        aria-invalid={refused ? true : undefined}
                        aria-describedby={refused ? `refund-qty-error-${l.productId}` : undefined}
                        data-testid={`refund-qty-${l.productId}`}
                        value={c.typed}
                        style={refused ? { borderColor: '#C0392B' } : undefined}
                        onChange={(e: React.ChangeEvent<HTMLInputElement>) => setChoice(l, { typed: e.target.value })}
                      />{' '}
                      <Text as="span" fontSize="sm">
                        of {l.left}
                      </Text>
                      {refused ? (
                        <Text
                          id={`refund-qty-error-${l.productId}`}
                          role="alert"
                          fontSize="sm"
                          data-testid={`refund-qty-error-${l.productId}`}
                          style={{ color: '#C0392B' }}
                        >
                          {refused}
                        </Text>
                      ) : null}
                    </TableCell>
                  )}
                  {showItems && (
                    <TableCell>
                      <label>
                        <input
                          type="checkbox"
                          data-testid={`refund-restock-${l.productId}`}
                          checked={c.restock}
                          disabled={l.left === 0}
                          onChange={(e) => setChoice(l, { restock: e.target.checked })}
                        />{' '}
                        {c.restock ? 'Returned: back in stock' : 'Not returned (damaged or never sent back)'}
                      </label>
                    </TableCell>
                  )}
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
        {showItems && lineErrors.lines?.message ? (
          <Text role="alert" data-testid="refund-lines-error" style={{ color: '#C0392B' }}>
            {lineErrors.lines.message}
          </Text>
        ) : null}
      </Box>

      {showAmount && (
        <Box mb="lg">
          <Label htmlFor="refund-amount">Amount to refund ({ctx.currency})</Label>
          <Input
            id="refund-amount"
            name="amount"
            width={1}
            inputMode="decimal"
            placeholder={`e.g. ${ctx.amountExample}`}
            aria-describedby={amountError ? 'refund-amount-hint refund-amount-error' : 'refund-amount-hint'}
            aria-invalid={amountError ? true : undefined}
            data-testid="refund-amount"
            value={amount}
            style={amountError ? { borderColor: '#C0392B' } : undefined}
            onChange={(e: React.ChangeEvent<HTMLInputElement>) => changed(() => setAmount(e.target.value))}
          />
          <Text id="refund-amount-hint" fontSize="sm" data-testid="refund-amount-hint">
            {ctx.amountHint}
          </Text>
          {amountError ? (
            <Text id="refund-amount-error" role="alert" data-testid="refund-amount-error" style={{ color: '#C0392B' }}>
              {amountError}
            </Text>
          ) : null}
        </Box>
      )}
      <Box mb="lg">
        <Label htmlFor="refund-reason">Reason</Label>
        <TextArea
          id="refund-reason"
          name="reason"
          width={1}
          value={reason}
          onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => changed(() => setReason(e.target.value))}
        />
      </Box>

      {error && <MessageBox mb="lg" variant="danger" message={error} data-testid="refund-error" />}

      {preview && (
        <Box mb="lg" p="lg" bg="grey20" data-testid="refund-preview">
          <H3>Preview</H3>
          <Text>
            Refund <strong>{preview.amount}</strong>. Refunded before {preview.refundedBefore}; remaining after {preview.remainingAfter}.
          </Text>
          <Text data-testid="refund-breakdown">Of it: {preview.breakdown}</Text>
          <Text>
            The order will be: <strong>{preview.resultingStatusLabel}</strong>
          </Text>
          {preview.items.length > 0 && (
            <Text>
              Roles revoked for: {preview.items.map((i) => `${i.name} × ${i.quantity} (${i.amount}, ${restockText(i)})`).join(', ')}
            </Text>
          )}
        </Box>
      )}

      <Box flex flexDirection="row" flexWrap="wrap" style={{ gap: 8 }}>
        <Button type="button" variant="outlined" disabled={busy} onClick={onPreview} data-testid="refund-preview-button">
          Preview refund
        </Button>
        <Button
          type="button"
          variant="contained"
          color="danger"
          disabled={busy || !preview}
          onClick={onRefund}
          data-testid="refund-submit-button"
        >
          {preview ? `Refund ${preview.amount}` : 'Refund (preview first)'}
        </Button>
      </Box>
    </Box>
  );
};

export default RefundForm;
