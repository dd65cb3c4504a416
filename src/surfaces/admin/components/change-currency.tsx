// Shop settings -> "Change currency": the new currency, and beside every amount held in the current one (active
// products' prices, shipping types' prices, discounts' amounts off and minimum subtotals) a required field for its
// amount in the new currency. Saved at once with the currency, or not at all; a refusal shows the list as it is
// now (a colleague's new product or changed price) and keeps what was typed for the amounts that did not change.
// The list comes from the action's GET (use-action-data.ts): until it has come the page says it is loading, and if
// it could not be loaded it says so with "Try again", never a form without its amounts.
import React, { useState } from 'react';
import { Box, Button, Input, Label, MessageBox, Table, TableBody, TableCell, TableHead, TableRow, Text } from '@adminjs/design-system';
import { ApiClient, useActionResponseHandler, type ActionProps } from 'adminjs';
import { LoadPending, useActionData } from './use-action-data.js';

const api = new ApiClient();

interface Amount {
  key: string;
  kind: string;
  name: string;
  label: string;
  cents: number;
  shown: string;
}
interface Page {
  currency: string;
  amounts: Amount[];
  /** How an amount in each known currency is typed (form-fields.ts amountRules), e.g. "JPY: whole units, such as 2450". */
  rules?: Record<string, string>;
}
interface Answer {
  notice?: { message: string; type: 'success' | 'error' };
  currencyChange?: Page;
  fieldErrors?: Record<string, string>;
  redirectUrl?: string;
}

const ChangeCurrency: React.FC<ActionProps> = ({ resource, record }) => {
  const handleResponse = useActionResponseHandler();
  const loaded = useActionData<Page>({ resourceId: resource.id, record, actionName: 'changeCurrency', param: 'currencyChangeJson' });
  const [to, setTo] = useState('');
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const page = loaded.data;
  const rule = to.length === 3 ? page?.rules?.[to] : undefined;

  async function save(event: React.FormEvent) {
    event.preventDefault();
    if (busy || !record || !page) return;
    setBusy(true);
    setError(null);
    try {
      const res = await api.recordAction({
        resourceId: resource.id,
        recordId: String(record.id),
        actionName: 'changeCurrency',
        method: 'post',
        data: {
          from: page.currency,
          to,
          shown: JSON.stringify(page.amounts.map((a) => ({ key: a.key, cents: a.cents }))),
          amounts: JSON.stringify(typed),
        },
      });
      const data = res.data as Answer;
      if (data.notice?.type === 'success') return handleResponse(res as never);
      setError(data.notice?.message ?? 'The currency was not changed.');
      setErrors(data.fieldErrors ?? {});
      const fresh = data.currencyChange;
      if (fresh) {
        // What was typed stays for an amount that is still as shown; a new or changed one is asked again.
        const before = new Map(page.amounts.map((a) => [a.key, a.cents]));
        setTyped((t) =>
          Object.fromEntries(
            fresh.amounts.filter((a) => before.get(a.key) === a.cents && t[a.key] !== undefined).map((a) => [a.key, t[a.key]!]),
          ),
        );
        loaded.setData(fresh);
      }
    } catch {
      setError('The request failed, so the currency was not changed. Try again.');
    } finally {
      setBusy(false);
    }
  }

  if (!page)
    return (
      <Box variant="white" data-testid="change-currency-loading">
        <LoadPending
          data={loaded}
          loading="Loading the amounts priced in the shop's currency…"
          failedMessage="The amounts priced in the shop's currency could not be loaded, so nothing can be changed yet."
          failedTestId="change-currency-load-failed"
        />
      </Box>
    );

  return (
    <Box as="form" variant="white" onSubmit={save} data-testid="change-currency-form">
      <Text mb="lg">
        {`This shop sells in ${page.currency}. Amounts are not converted: give each one below its amount in the new currency, as customers will read it (the column says how that currency is typed). The currency and every amount change together when you save, or nothing does.`}
      </Text>
      <Label htmlFor="to" required>
        New currency (a 3-letter code such as EUR or JPY)
      </Label>
      <Input
        id="to"
        name="to"
        required
        maxLength={3}
        value={to}
        onChange={(e: React.ChangeEvent<HTMLInputElement>) => setTo(e.target.value.toUpperCase())}
      />
      {errors.to ? (
        <Text color="error" data-testid="error-to">
          {errors.to}
        </Text>
      ) : null}
      {page.amounts.length ? (
        <Table mt="lg" data-testid="change-currency-amounts">
          <TableHead>
            <TableRow>
              <TableCell>Priced in {page.currency}</TableCell>
              <TableCell>Amount</TableCell>
              <TableCell>Now</TableCell>
              <TableCell>
                New amount{to.length === 3 ? ` in ${to}` : ''}
                {rule ? (
                  <Text as="span" data-testid="change-currency-rule">
                    {` (${rule})`}
                  </Text>
                ) : null}
              </TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {page.amounts.map((a) => (
              <TableRow key={a.key} data-key={a.key}>
                <TableCell>{a.name}</TableCell>
                <TableCell>{a.label}</TableCell>
                <TableCell data-testid={`now-${a.key}`}>{a.shown}</TableCell>
                <TableCell>
                  <Input
                    name={`amount.${a.key}`}
                    aria-label={`${a.name}: ${a.label} in the new currency`}
                    required
                    value={typed[a.key] ?? ''}
                    onChange={(e: React.ChangeEvent<HTMLInputElement>) => {
                      const v = e.target.value;
                      setTyped((t) => ({ ...t, [a.key]: v }));
                    }}
                  />
                  {errors[a.key] ? (
                    <Text color="error" data-testid={`error-${a.key}`}>
                      {errors[a.key]}
                    </Text>
                  ) : null}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : (
        <Text mt="lg">Nothing is priced in {page.currency}: only the currency changes.</Text>
      )}
      {error ? <MessageBox mt="default" variant="danger" message={error} data-testid="change-currency-error" /> : null}
      <Box mt="lg">
        <Button type="submit" variant="contained" disabled={busy || to.trim().length !== 3} data-testid="change-currency-save">
          {busy ? 'Changing…' : 'Change currency'}
        </Button>
      </Box>
    </Box>
  );
};

export default ChangeCurrency;
