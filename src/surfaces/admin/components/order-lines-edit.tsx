// The order edit form's line items: one quantity input per line with the product's name (0 removes the
// line; anything but a whole number is kept as typed and the Save refused under its line, never read as 0 or
// rounded), and a product picker to add one, instead of typed "productId:quantity" text. The lines change
// only while the order awaits payment (the service recomputes totals and stock); otherwise they are shown
// read-only. The edit action puts the lines and the shop's products in record.params.lineItemsContextJson;
// this posts `lineItems` as JSON ([{ productId, quantity }]) only once something was changed. Until the lines have
// come (use-action-data.ts: opened from the order's page, AdminJS first shows the form with that page's record, and
// keeps it when the edit's load fails) this says they are loading, or that they could not be loaded with "Try
// again", never an empty list saying the lines cannot be changed; the record it then loads becomes the form's. Until
// then the form's Save is disabled: the form has not got the order as the edit loads it (what a Save must carry).
import React, { useEffect, useRef, useState } from 'react';
import {
  Box,
  Button,
  FormGroup,
  FormMessage,
  Input,
  Label,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Text,
} from '@adminjs/design-system';
import type { EditPropertyProps } from 'adminjs';
import { LoadPending, useActionData } from './use-action-data.js';
import { wholeQuantity } from './whole-quantity.js';

interface Line {
  productId: string;
  name: string;
  /** null while what is typed is not a whole number ("1.", "1.5", "-", nothing): posted so, which the server refuses. */
  quantity: number | null;
  unitPrice: string;
}
interface Product {
  productId: string;
  name: string;
  unitPrice: string;
  stock: number | null;
}
interface LinesContext {
  editable: boolean;
  lines: Line[];
  products: Product[];
}

const OrderLinesEdit: React.FC<EditPropertyProps> = (props) => {
  const { resource, record, onChange } = props;
  // The form's record as this field first saw it: what differs from it now is what the admin typed since.
  const first = useRef(record);
  // The edit's own record, when this asked for it, replaces the whole form's: the one it was left with has none of
  // what the edit's GET adds (the values the form showed, which a Save must carry; the statuses it can move to). What
  // the admin typed in the other fields meanwhile (a tracking number, a note) is kept over it.
  const loaded = useActionData<LinesContext>({
    resourceId: resource.id,
    record,
    actionName: 'edit',
    param: 'lineItemsContextJson',
    onRecord: (fresh) => {
      const typed = Object.entries(record?.params ?? {}).filter(([k, v]) => first.current?.params?.[k] !== v);
      onChange({ ...fresh, params: { ...fresh.params, ...Object.fromEntries(typed) } });
    },
  });
  const box = useRef<HTMLDivElement>(null);
  const waiting = !loaded.data;
  useEffect(() => (waiting ? holdSave(box.current) : undefined), [waiting]);
  if (!loaded.data)
    return (
      <FormGroup data-testid="order-lines-loading" ref={box}>
        <Label>Line items</Label>
        <LoadPending
          data={loaded}
          loading="Loading the order's line items…"
          failedMessage="The order's line items could not be loaded, so they cannot be changed yet."
          failedTestId="order-lines-load-failed"
        />
      </FormGroup>
    );
  return <LoadedLines {...props} ctx={loaded.data} />;
};

/**
 * Disables the Save of the form `inside` is in (AdminJS's edit form, which a field cannot reach otherwise) and stops its
 * submit, until the returned undo is called.
 */
function holdSave(inside: HTMLElement | null): (() => void) | undefined {
  const form = inside?.closest('form');
  if (!form) return undefined;
  const buttons = Array.from(form.querySelectorAll<HTMLButtonElement>('button[type="submit"]')).filter((b) => !b.disabled);
  for (const b of buttons) b.disabled = true;
  const stop = (e: Event) => {
    e.preventDefault();
    e.stopPropagation();
  };
  form.addEventListener('submit', stop, true);
  return () => {
    for (const b of buttons) b.disabled = false;
    form.removeEventListener('submit', stop, true);
  };
}

/**
 * While `refuse` is true, a submit of the form `inside` is in is stopped and `onRefused` called: the admin is told
 * under the line, and nothing is posted.
 */
function refuseSubmit(inside: HTMLElement | null, refuse: boolean, onRefused: () => void): (() => void) | undefined {
  const form = inside?.closest('form');
  if (!form || !refuse) return undefined;
  const stop = (e: Event) => {
    e.preventDefault();
    e.stopPropagation();
    onRefused();
  };
  form.addEventListener('submit', stop, true);
  return () => form.removeEventListener('submit', stop, true);
}

const LoadedLines: React.FC<EditPropertyProps & { ctx: LinesContext }> = ({ property, record, onChange, ctx }) => {
  const [lines, setLines] = useState<Line[]>(ctx.lines);
  // What the admin typed in each line's quantity, shown as typed (a number input would report "-" or "1e" as empty).
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [saveRefused, setSaveRefused] = useState(false);
  const [picked, setPicked] = useState('');
  const error = record?.errors?.[property.path];
  const box = useRef<HTMLDivElement>(null);
  const unreadable = lines.some((l) => l.quantity === null);
  useEffect(() => refuseSubmit(box.current, unreadable, () => setSaveRefused(true)), [unreadable]);

  const publish = (next: Line[]) => {
    setLines(next);
    onChange(property.path, JSON.stringify(next.map((l) => ({ productId: l.productId, quantity: l.quantity }))));
  };
  const setQuantity = (productId: string, raw: string) => {
    setTyped({ ...typed, [productId]: raw });
    const n = wholeQuantity(raw);
    publish(lines.map((l) => (l.productId === productId ? { ...l, quantity: n } : l)));
  };
  const addable = ctx.products.filter((p) => !lines.some((l) => l.productId === p.productId));
  const add = () => {
    const p = ctx.products.find((x) => x.productId === picked);
    if (!p) return;
    publish([...lines, { productId: p.productId, name: p.name, quantity: 1, unitPrice: p.unitPrice }]);
    setPicked('');
  };

  return (
    <FormGroup error={Boolean(error)} data-testid="order-lines-edit" ref={box}>
      <Label>Line items</Label>
      <Box style={{ overflowX: 'auto' }}>
        <Table>
          <TableHead>
            <TableRow>
              <TableCell>Product</TableCell>
              <TableCell>Unit price</TableCell>
              <TableCell>Quantity</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {lines.map((l) => (
              <TableRow key={l.productId}>
                <TableCell>{l.name}</TableCell>
                <TableCell>{l.unitPrice}</TableCell>
                <TableCell>
                  {ctx.editable ? (
                    <>
                      <Input
                        type="text"
                        inputMode="numeric"
                        width={90}
                        aria-label={`Quantity of ${l.name}`}
                        aria-invalid={l.quantity === null}
                        data-testid={`line-qty-${l.productId}`}
                        value={typed[l.productId] ?? String(l.quantity)}
                        onChange={(e: React.ChangeEvent<HTMLInputElement>) => setQuantity(l.productId, e.target.value)}
                      />
                      {saveRefused && l.quantity === null && (
                        <Text color="error" fontSize="sm" mt="sm" data-testid={`line-qty-error-${l.productId}`}>
                          {`"${typed[l.productId] ?? ''}" is not a quantity: type a whole number (0 removes the line). Nothing was saved.`}
                        </Text>
                      )}
                    </>
                  ) : (
                    <Text>{l.quantity}</Text>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Box>
      {ctx.editable && (
        <Box flex flexDirection="row" flexWrap="wrap" mt="default" style={{ gap: 8 }}>
          <select
            aria-label="Product to add"
            data-testid="add-product-select"
            value={picked}
            onChange={(e) => setPicked(e.target.value)}
            style={{ minWidth: 220, padding: 6 }}
          >
            <option value="">Add a product…</option>
            {addable.map((p) => (
              <option key={p.productId} value={p.productId}>
                {p.name} ({p.unitPrice}
                {p.stock === null ? '' : `, ${p.stock} in stock`})
              </option>
            ))}
          </select>
          <Button type="button" size="sm" variant="outlined" disabled={!picked} onClick={add} data-testid="add-product-button">
            Add
          </Button>
        </Box>
      )}
      <FormMessage>
        {error
          ? error.message
          : ctx.editable
            ? 'Set a quantity to 0 to remove the line. Totals, the payment amount and stock follow when you save.'
            : 'Line items can be changed only while the order awaits payment.'}
      </FormMessage>
    </FormGroup>
  );
};

export default OrderLinesEdit;
