// The order detail page (spec 000 "Viewing Orders"): line items, shipping address, payment information,
// discount, sales tax, notes, refunds and the audit trail (as the shared readable timeline). The server sends everything already formatted
// (record.params.detailJson, built by resources/order-view.ts): money as money, enums as words with their
// badge colours. Refunds whose money the admin must send back by hand (Venmo, Zelle, Cash App, ...) stay at
// the top as a to-do until ticked done (the markRefundReturned action). Tables scroll sideways on a phone
// instead of pushing the page wider than the screen. Money received for manual payments is recorded here
// (the recordReceipt action: parts accumulate, the order is paid once they cover the total, an overpayment
// is flagged), and DMs that never reached the customer (DMs closed, or refused by Discord) are listed at the top.
import React, { useEffect, useState } from 'react';
import { Box, Button, H3, H4, Table, TableBody, TableCell as DesignTableCell, TableHead, TableRow, Text } from '@adminjs/design-system';
import { ApiClient, useNotice, type ActionProps } from 'adminjs';

interface Shown {
  value: string;
  label: string;
  badge: { background: string; text: string } | null;
}
interface ManualReturn {
  method: string;
  methodLabel: string;
  instruction: string;
  doneAt: string | null;
  doneAtShown: string | null;
  doneBy: string | null;
}
interface TimelineItem {
  id: string;
  when: string;
  who: string;
  what: string;
  changes: { field: string; label: string; before: string; after: string }[];
}

interface View {
  number: number;
  status: string;
  shippingStatus: string;
  statusShown: Shown;
  shippingStatusShown: Shown;
  /** Unpaid orders with a deadline only (resources/order-view.ts payDeadlineView). */
  payDeadline?: { at: string; atShown: string; ended: boolean; text: string } | null;
  paymentMethodLabel: string;
  trackingNumber: string | null;
  carrierLabel: string | null;
  trackingUrl: string | null;
  notes: string | null;
  received: {
    reference: string | null;
    amount: string;
    /** What this page shows as received, whole cents: "Record money received" posts it back (its hidden field). */
    receivedCents: number;
    remaining: string | null;
    overpaid: string | null;
    /** The overpayment as typed money ("10.00"): what "Mark overpayment returned" starts with. */
    overpaidInput: string | null;
    /** What the shop marked returned of it so far. */
    overpaymentReturned: string | null;
    receipts: { id: string; amount: string; note: string | null; by: string; at: string; atShown: string }[];
  };
  customerNotReached: {
    atShown: string;
    /** `why`: their DMs are closed, or what Discord answered (notifications/missed-notices.ts refusalText). */
    notices: { id: string; what: string; atShown: string; shownInDiscordAtShown: string | null; why?: string }[];
  } | null;
  createdAt: string;
  createdAtShown: string;
  paidAt: string | null;
  cancelledAt: string | null;
  customer: { name: string; discordUserId: string; username: string | null };
  paymentMethod: string;
  shippingAddress: Record<string, string | undefined> | null;
  lines: {
    productId: string;
    sku: string;
    name: string;
    quantity: number;
    refundedQuantity: number;
    unitPrice: string;
    lineTotal: string;
  }[];
  totals: {
    subtotal: string;
    discount: string;
    discountName: string | null;
    shipping: string;
    shippingTypeName: string | null;
    tax: string;
    total: string;
    refunded: string;
    remaining: string | null;
  };
  payments: {
    id: string;
    method: string;
    methodLabel: string;
    statusShown: Shown;
    amount: string;
    refunded: string;
    reference: string | null;
    confirmedAt: string | null;
    confirmedAtShown: string | null;
  }[];
  refunds: {
    id: string;
    modeLabel: string;
    amount: string;
    reason: string;
    items: string;
    at: string;
    atShown: string;
    by: string;
    /** Where the processor's part stands: being sent, sent, a claim link sent, NOT returned (null: it sends none). */
    processorReturn: string | null;
    manualReturn: ManualReturn | null;
  }[];
  /** The audit trail as the readable timeline (resources/audit-trail.ts auditTimelineOf). */
  timeline: TimelineItem[];
  /** Processor money the admin must know about (resources/order-view.ts flaggedPaymentBanner). */
  flaggedPayments?: { kind: string; tone: 'danger' | 'warning' | 'info'; title: string; text: string; atShown: string }[];
}

// Dates arrive formatted by the server in the shop's time zone, in the panel's one format (platform/time-format.ts).
const when = (shown: string | null | undefined) => shown || '—';

/** The shared timeline component (components/audit-timeline.tsx), registered as AdminJS.UserComponents.AuditTimeline. */
const Timeline: React.FC<{ items: TimelineItem[] }> = ({ items }) => {
  const C = (
    window as unknown as { AdminJS?: { UserComponents?: Record<string, React.ComponentType<{ items: TimelineItem[]; title?: string }>> } }
  ).AdminJS?.UserComponents?.AuditTimeline;
  return C ? <C items={items} title="History" /> : null;
};

const api = new ApiClient();

/** DMs about this order the customer never got: someone should reach them another way. */
const NotReached: React.FC<{ info: View['customerNotReached']; customer: string }> = ({ info, customer }) => {
  if (!info) return null;
  return (
    <Box
      mb="xl"
      p="lg"
      data-testid="order-customer-not-reached"
      style={{ border: '1px solid #C0392B', borderRadius: 6, background: '#FDEDEC' }}
    >
      <H4 mb="default">Customer not reached</H4>
      <Text mb="default">
        These messages about this order did not reach {customer} as direct messages (last on {info.atShown}): their DMs are closed, or
        Discord refused them. They see them the next time they use the bot.
      </Text>
      <Box as="ul" style={{ margin: 0, paddingLeft: 20 }}>
        {info.notices.map((n) => (
          <li key={n.id}>
            {n.what} ({n.atShown}){n.why ? ` · ${n.why}` : ''}
            {n.shownInDiscordAtShown ? ` · shown in Discord ${n.shownInDiscordAtShown}` : ' · not seen yet'}
          </li>
        ))}
      </Box>
    </Box>
  );
};

/** A field of the money forms: 44 px tall (a finger's target) and 16 px text (iOS Safari zooms in on smaller). */
const receiptField: React.CSSProperties = {
  boxSizing: 'border-box',
  padding: '8px 10px',
  minHeight: 44,
  fontSize: 16,
  minWidth: 180,
  width: '100%',
};
const receiptLabel: React.CSSProperties = { display: 'flex', flexDirection: 'column', gap: 4, fontSize: 14, flex: '1 1 180px' };
const moneyForm: React.CSSProperties = { display: 'flex', gap: 8, flexWrap: 'wrap', alignItems: 'flex-end' };

/**
 * An amount of money typed on this page ("20.00"): a visible label around its input (a placeholder is gone once
 * typing starts), sized for a phone. A refusal of the amount is said under it (`error`, the input marked invalid
 * and described by it) until it is typed again. `testId` names the input; its error's id and test id add `-error`.
 */
const MoneyAmountField: React.FC<{
  label: string;
  testId: string;
  value: string;
  placeholder?: string;
  error: string | null;
  onChange: (value: string) => void;
}> = ({ label, testId, value, placeholder, error, onChange }) => (
  <label style={receiptLabel}>
    {label}
    <input
      aria-invalid={error ? true : undefined}
      aria-describedby={error ? `${testId}-error` : undefined}
      data-testid={testId}
      inputMode="decimal"
      placeholder={placeholder}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      style={{ ...receiptField, ...(error ? { borderColor: '#C0392B' } : {}) }}
    />
    {error ? (
      <Text id={`${testId}-error`} data-testid={`${testId}-error`} role="alert" style={{ color: '#C0392B', maxWidth: 420 }}>
        {error}
      </Text>
    ) : null}
  </label>
);

/**
 * Record money received: the amount as typed ("20.00"), an optional note. `onRecord` answers whether the receipt
 * was saved: the fields are emptied only then, so an amount refused ("12.345") is corrected, not typed again.
 * Each field has a visible label and is sized for a phone.
 */
const RecordReceipt: React.FC<{
  busy: boolean;
  error: string | null;
  onType: () => void;
  onRecord: (amount: string, note: string) => Promise<boolean>;
}> = ({ busy, error, onType, onRecord }) => {
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  return (
    <Box mt="default" style={moneyForm}>
      <MoneyAmountField
        label="Amount received"
        testId="receipt-amount"
        placeholder="e.g. 20.00"
        value={amount}
        error={error}
        onChange={(typed) => {
          setAmount(typed);
          onType();
        }}
      />
      <label style={receiptLabel}>
        Note (optional)
        <input data-testid="receipt-note" value={note} onChange={(e) => setNote(e.target.value)} style={receiptField} />
      </label>
      <Button
        disabled={busy || !amount.trim()}
        data-testid="receipt-record"
        style={{ minHeight: 44 }}
        onClick={async () => {
          if (!(await onRecord(amount, note))) return;
          setAmount('');
          setNote('');
        }}
      >
        Record money received
      </Button>
    </Box>
  );
};

/**
 * Mark overpayment returned: after the shop sent the excess back (by the method the customer paid with), it
 * records it here. The amount starts as all of it (`initial`) and may be lowered for a part; more is refused by
 * the server, whose refusal is said under the field (`error`) until it is typed again.
 */
const ReturnOverpayment: React.FC<{
  initial: string;
  busy: boolean;
  error: string | null;
  onType: () => void;
  onReturn: (amount: string) => Promise<boolean>;
}> = ({ initial, busy, error, onType, onReturn }) => {
  const [amount, setAmount] = useState(initial);
  return (
    <Box mt="default" style={moneyForm} data-testid="overpayment-return">
      <MoneyAmountField
        label="Amount sent back to the customer"
        testId="overpayment-amount"
        value={amount}
        error={error}
        onChange={(typed) => {
          setAmount(typed);
          onType();
        }}
      />
      <Button
        disabled={busy}
        data-testid="overpayment-return-button"
        style={{ minHeight: 44 }}
        onClick={async () => {
          if (!window.confirm(`Record that you sent ${amount || initial} back to the customer? Do this only after it was sent.`)) return;
          await onReturn(amount);
        }}
      >
        Mark overpayment returned
      </Button>
    </Box>
  );
};

/**
 * A table cell that breaks lines only between words. The design system's cell breaks anywhere
 * (`word-break: break-word`), so on a phone a table squeezed itself to the screen a letter a line ("Venm / o",
 * "A / w / ait / in / g") instead of scrolling sideways in its Section as intended.
 */
const TableCell: typeof DesignTableCell = ((props: React.ComponentProps<typeof DesignTableCell>) => (
  <DesignTableCell {...props} style={{ wordBreak: 'normal', overflowWrap: 'normal', ...props.style }} />
)) as typeof DesignTableCell;

const Section: React.FC<{ title: string; children: React.ReactNode }> = ({ title, children }) => (
  <Box mb="xl">
    <H4 mb="default">{title}</H4>
    <Box style={{ overflowX: 'auto' }}>{children}</Box>
  </Box>
);

/** A status in words on its colours (presentation/labels.ts, WCAG AA). */
const StatusBadge: React.FC<{ shown: Shown; testId?: string }> = ({ shown, testId }) => (
  <span
    data-testid={testId}
    data-value={shown.value}
    style={{
      display: 'inline-block',
      padding: '2px 10px',
      borderRadius: 12,
      fontSize: 13,
      fontWeight: 600,
      verticalAlign: 'middle',
      background: shown.badge?.background ?? '#ECEDF1',
      color: shown.badge?.text ?? '#2F3140',
    }}
  >
    {shown.label}
  </span>
);

/** The by-hand refunds still to send, each with its "I sent it" tick. */
const ManualRefundTodos: React.FC<{ refunds: View['refunds']; busy: string | null; onDone: (refundId: string) => void }> = ({
  refunds,
  busy,
  onDone,
}) => {
  const open = refunds.filter((r) => r.manualReturn && !r.manualReturn.doneAt);
  if (!open.length) return null;
  return (
    <Box mb="xl" p="lg" data-testid="manual-refund-todos" style={{ border: '2px solid #B45309', borderRadius: 8, background: '#FFF7E6' }}>
      <H4 mb="default">Money to send back by hand</H4>
      <Text mb="default">
        Ledgerline recorded these refunds but did not send any money: the payment came by a method it cannot pay back through.
      </Text>
      {open.map((r) => (
        <Box
          key={r.id}
          mb="default"
          flex
          flexDirection="row"
          flexWrap="wrap"
          alignItems="center"
          style={{ gap: 12 }}
          data-testid={`manual-refund-${r.id}`}
        >
          <Text fontWeight="bold" style={{ color: '#6B3A00' }}>
            {r.manualReturn!.instruction}
          </Text>
          <Button
            type="button"
            size="sm"
            variant="contained"
            disabled={busy === r.id}
            onClick={() => onDone(r.id)}
            data-testid={`manual-refund-done-${r.id}`}
          >
            I sent it
          </Button>
        </Box>
      ))}
    </Box>
  );
};

const TONES = {
  danger: { border: '#B42318', background: '#FEF3F2', text: '#7A1A12' },
  warning: { border: '#B45309', background: '#FFF7E6', text: '#6B3A00' },
  info: { border: '#1D4ED8', background: '#EFF6FF', text: '#1E3A8A' },
} as const;

/** Payments the processor code flagged (could not pay the order, refund refused, reversed), above everything else. */
const FlaggedPayments: React.FC<{ items: NonNullable<View['flaggedPayments']> }> = ({ items }) => {
  if (!items.length) return null;
  return (
    <Box mb="xl" data-testid="flagged-payments">
      {items.map((f, i) => {
        const tone = TONES[f.tone];
        return (
          <Box
            key={`${f.kind}-${i}`}
            mb="default"
            p="lg"
            role={f.tone === 'danger' ? 'alert' : 'status'}
            data-testid={`flagged-payment-${f.kind}`}
            data-tone={f.tone}
            style={{ border: `2px solid ${tone.border}`, borderRadius: 8, background: tone.background }}
          >
            <Text fontWeight="bold" style={{ color: tone.text }}>
              {f.title}
            </Text>
            <Text style={{ color: tone.text }}>{f.text}</Text>
            <Text style={{ color: tone.text, fontSize: 12 }}>{f.atShown}</Text>
          </Box>
        );
      })}
    </Box>
  );
};

const Row: React.FC<{ label: string; value: React.ReactNode }> = ({ label, value }) => (
  <TableRow>
    <TableCell width="220px">
      <Text fontWeight="bold">{label}</Text>
    </TableCell>
    <TableCell>{value}</TableCell>
  </TableRow>
);

/** A notice kept across the reload that refreshes the page's buttons (see `applied`). */
const NOTICE_KEY = 'ledgerline:order-notice';

const actionNames = (r: { recordActions?: { name: string }[] } | undefined) =>
  (r?.recordActions ?? [])
    .map((a) => a.name)
    .sort()
    .join(',');

const OrderShow: React.FC<ActionProps> = ({ record, resource }) => {
  const addNotice = useNotice();
  const [raw, setRaw] = useState<unknown>(record?.params?.detailJson);
  const [busy, setBusy] = useState<string | null>(null);
  const [receiptError, setReceiptError] = useState<string | null>(null);
  const [overpaymentError, setOverpaymentError] = useState<string | null>(null);
  // A fresh record (after an action, or ?refresh) replaces what a tick left here.
  useEffect(() => setRaw(record?.params?.detailJson), [record?.params?.detailJson]);
  // The notice of a change that reloaded the page (below), shown once it is back.
  useEffect(() => {
    const kept = window.sessionStorage.getItem(NOTICE_KEY);
    if (!kept) return;
    window.sessionStorage.removeItem(NOTICE_KEY);
    const notice = JSON.parse(kept) as { recordId: string; message: string; type: 'success' | 'error' };
    if (notice.recordId === String(record?.id)) addNotice({ message: notice.message, type: notice.type });
  }, [record?.id]);

  /**
   * Shows what a change made here answered. The buttons above this page (Mark as paid, Cancel order, Refund...)
   * come from the record AdminJS loaded and no component can replace it: when the change altered which apply
   * (a receipt that paid the order), the page reloads, keeping the notice, so no button is left that the
   * order no longer allows. Answers whether the change was saved (an error notice: it was refused).
   */
  const applied = (data: { notice?: { message: string; type: 'success' | 'error' }; record?: ActionProps['record'] }): boolean => {
    const saved = data.notice?.type !== 'error';
    if (saved && data.record && actionNames(data.record) !== actionNames(record)) {
      if (data.notice) window.sessionStorage.setItem(NOTICE_KEY, JSON.stringify({ recordId: String(record?.id), ...data.notice }));
      window.location.reload();
      return true;
    }
    if (data.notice) addNotice({ message: data.notice.message, type: data.notice.type });
    // A refusal may come with the order as it is now (money recorded meanwhile): shown, so the admin sees it.
    if (data.record?.params?.detailJson) setRaw(data.record.params.detailJson);
    return saved;
  };
  if (!raw)
    return (
      <Box variant="container">
        <Text>Loading order…</Text>
      </Box>
    );
  const o = JSON.parse(String(raw)) as View;
  const a = o.shippingAddress;

  const markSent = async (refundId: string) => {
    setBusy(refundId);
    try {
      const res = await api.recordAction({
        resourceId: resource.id,
        recordId: String(record?.id),
        actionName: 'markRefundReturned',
        data: { refundId },
      });
      applied(res.data as Parameters<typeof applied>[0]);
    } catch {
      addNotice({ message: 'That did not save. Check your connection and try again.', type: 'error' });
    } finally {
      setBusy(null);
    }
  };

  /**
   * Posts one of the money forms (`actionName`) with the amount as typed: a refusal of the amount is said under its
   * field (`setError`), any answer as a notice. Answers whether it was saved.
   */
  const postAmount = async (
    actionName: string,
    data: Record<string, string>,
    busyKey: string,
    setError: (error: string | null) => void,
  ): Promise<boolean> => {
    setBusy(busyKey);
    try {
      const res = await api.recordAction({ resourceId: resource.id, recordId: String(record?.id), actionName, data });
      const answer = res.data as Parameters<typeof applied>[0] & { record?: { errors?: Record<string, { message?: string }> } };
      setError(answer.notice?.type === 'error' ? (answer.record?.errors?.amount?.message ?? null) : null);
      return applied(answer);
    } catch {
      addNotice({ message: 'That did not save. Check your connection and try again.', type: 'error' });
      return false;
    } finally {
      setBusy(null);
    }
  };
  const recordReceipt = (amount: string, note: string) =>
    postAmount('recordReceipt', { amount, note, receivedShown: String(o.received.receivedCents) }, 'receipt', setReceiptError);
  const returnOverpayment = (amount: string) => postAmount('returnOverpayment', { amount }, 'overpayment', setOverpaymentError);
  const canRecord = ['PENDING_PAYMENT', 'PAID', 'FULFILLING', 'SHIPPED', 'COMPLETE', 'PARTIALLY_REFUNDED'].includes(o.status);

  return (
    <Box variant="container" data-testid="order-detail">
      <H3>
        Order #{o.number} <StatusBadge shown={o.statusShown} testId="order-status" />
        {o.payDeadline ? (
          <span
            data-testid="order-pay-deadline"
            title={o.payDeadline.at}
            style={{ fontSize: 14, fontWeight: 400, marginLeft: 12, color: o.payDeadline.ended ? '#C0392B' : undefined }}
          >
            {o.payDeadline.text}
          </span>
        ) : null}
      </H3>
      <Text mb="default">
        Placed <span data-testid="order-placed-at">{when(o.createdAtShown)}</span> by{' '}
        <strong data-testid="order-customer">{o.customer.name}</strong>
        {o.customer.username && o.customer.username !== o.customer.name ? ` (@${o.customer.username})` : ''} · Discord{' '}
        {o.customer.discordUserId}
      </Text>
      <Text mb="xl">
        Total <strong>{o.totals.total}</strong> · paid by {o.paymentMethodLabel} · shipping:{' '}
        <StatusBadge shown={o.shippingStatusShown} testId="order-shipping-status" />
      </Text>

      <FlaggedPayments items={o.flaggedPayments ?? []} />
      <NotReached info={o.customerNotReached} customer={o.customer.name} />
      <ManualRefundTodos refunds={o.refunds} busy={busy} onDone={markSent} />

      <Section title="Line items">
        <Table>
          <TableHead>
            <TableRow>
              <TableCell>Product</TableCell>
              <TableCell>SKU</TableCell>
              <TableCell>Qty</TableCell>
              <TableCell>Refunded</TableCell>
              <TableCell>Unit price</TableCell>
              <TableCell>Line total</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {o.lines.map((l) => (
              <TableRow key={l.productId}>
                <TableCell>{l.name}</TableCell>
                <TableCell>{l.sku}</TableCell>
                <TableCell>{l.quantity}</TableCell>
                <TableCell>{l.refundedQuantity}</TableCell>
                <TableCell>{l.unitPrice}</TableCell>
                <TableCell>{l.lineTotal}</TableCell>
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
            {o.totals.remaining ? (
              <Row label="Remaining balance" value={<span data-testid="order-remaining-balance">{o.totals.remaining}</span>} />
            ) : null}
          </TableBody>
        </Table>
      </Section>

      <Section title="Shipping">
        <Table>
          <TableBody>
            <Row
              label="Address"
              value={
                a
                  ? [a.name, a.line1, a.line2, [a.city, a.state, a.postalCode].filter(Boolean).join(' '), a.country]
                      .filter(Boolean)
                      .join(', ')
                  : '—'
              }
            />
            <Row label="Shipping status" value={<StatusBadge shown={o.shippingStatusShown} />} />
            <Row label="Carrier" value={o.carrierLabel ?? '—'} />
            <Row
              label="Tracking number"
              value={
                o.trackingNumber ? (
                  o.trackingUrl ? (
                    <a href={o.trackingUrl} target="_blank" rel="noreferrer noopener" data-testid="order-tracking-link">
                      {o.trackingNumber}
                    </a>
                  ) : (
                    o.trackingNumber
                  )
                ) : (
                  '—'
                )
              }
            />
          </TableBody>
        </Table>
      </Section>

      <Section title="Payment">
        <Table data-testid="order-received">
          <TableBody>
            <Row label="Payment reference" value={<strong data-testid="order-payment-reference">{o.received.reference ?? '—'}</strong>} />
            <Row label="Received" value={<span data-testid="order-received-amount">{o.received.amount}</span>} />
            {o.received.remaining ? (
              <Row label="Still owed" value={<span data-testid="order-received-remaining">{o.received.remaining}</span>} />
            ) : null}
            {o.received.overpaid ? (
              <Row
                label="Overpaid"
                value={
                  <strong data-testid="order-overpaid" style={{ color: '#C0392B' }}>
                    {o.received.overpaid}: return it to the customer
                  </strong>
                }
              />
            ) : null}
            {o.received.overpaymentReturned ? (
              <Row
                label="Overpayment returned"
                value={<span data-testid="order-overpayment-returned">{o.received.overpaymentReturned}</span>}
              />
            ) : null}
          </TableBody>
        </Table>
        {o.received.receipts.length ? (
          <Table data-testid="order-receipts">
            <TableHead>
              <TableRow>
                <TableCell>Received</TableCell>
                <TableCell>Amount</TableCell>
                <TableCell>Note</TableCell>
                <TableCell>Recorded by</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {o.received.receipts.map((r) => (
                <TableRow key={r.id}>
                  <TableCell>{when(r.atShown)}</TableCell>
                  <TableCell>{r.amount}</TableCell>
                  <TableCell>{r.note ?? '—'}</TableCell>
                  <TableCell>{r.by}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ) : null}
        {o.received.overpaidInput ? (
          <ReturnOverpayment
            key={o.received.overpaidInput}
            initial={o.received.overpaidInput}
            busy={busy === 'overpayment'}
            error={overpaymentError}
            onType={() => setOverpaymentError(null)}
            onReturn={returnOverpayment}
          />
        ) : null}
        {canRecord ? (
          <RecordReceipt busy={busy === 'receipt'} error={receiptError} onType={() => setReceiptError(null)} onRecord={recordReceipt} />
        ) : null}
        <Table>
          <TableHead>
            <TableRow>
              <TableCell>Method</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>Amount</TableCell>
              <TableCell>Refunded</TableCell>
              <TableCell>Reference</TableCell>
              <TableCell>Confirmed</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {o.payments.map((p) => (
              <TableRow key={p.id}>
                <TableCell>{p.methodLabel}</TableCell>
                <TableCell>
                  <StatusBadge shown={p.statusShown} />
                </TableCell>
                <TableCell>{p.amount}</TableCell>
                <TableCell>{p.refunded}</TableCell>
                <TableCell>{p.reference ?? '—'}</TableCell>
                <TableCell>{when(p.confirmedAtShown)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Section>

      <Section title="Notes">
        <Text style={{ whiteSpace: 'pre-wrap' }}>{o.notes || '—'}</Text>
      </Section>

      <Section title="Refunds">
        {o.refunds.length === 0 ? (
          <Text>No refunds.</Text>
        ) : (
          <Table data-testid="order-refunds">
            <TableHead>
              <TableRow>
                <TableCell>When</TableCell>
                <TableCell>Kind</TableCell>
                <TableCell>Amount</TableCell>
                <TableCell>Items</TableCell>
                <TableCell>Reason</TableCell>
                <TableCell>By</TableCell>
                <TableCell>Money back</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {o.refunds.map((r) => (
                <TableRow key={r.id}>
                  <TableCell>{when(r.atShown)}</TableCell>
                  <TableCell>{r.modeLabel}</TableCell>
                  <TableCell>{r.amount}</TableCell>
                  <TableCell>{r.items || '—'}</TableCell>
                  <TableCell>{r.reason}</TableCell>
                  <TableCell>{r.by}</TableCell>
                  <TableCell data-testid={`refund-money-back-${r.id}`}>
                    {[
                      r.processorReturn,
                      !r.manualReturn
                        ? r.processorReturn
                          ? null
                          : 'Through the payment processor'
                        : r.manualReturn.doneAt
                          ? `Sent by hand (${r.manualReturn.methodLabel}), ticked ${when(r.manualReturn.doneAtShown)}${r.manualReturn.doneBy ? ` by ${r.manualReturn.doneBy}` : ''}`
                          : `To send by hand (${r.manualReturn.methodLabel})`,
                    ]
                      .filter(Boolean)
                      .join('; ')}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Section>

      <Timeline items={o.timeline} />
    </Box>
  );
};

export default OrderShow;
