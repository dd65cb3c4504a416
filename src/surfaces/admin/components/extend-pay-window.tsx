// Orders -> "Extend pay window": how long the unpaid order has left, and a form that gives the customer more
// hours (added to the current deadline). The reminder and the expiry move with it. The hours are posted as typed; a
// refused number ("0", "1.5", "1e3", "99999") is said under the input (the server's record.errors.extendByHours), which
// keeps what was typed.
// The deadline comes from the action's GET (use-action-data.ts): until it has come the page says it is loading, and
// if it could not be loaded it says so with "Try again", never a form saying the order is not waiting for payment.
import React, { useState } from 'react';
import { Box, Button, FormGroup, FormMessage, Input, Label, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient, useNotice, type ActionProps } from 'adminjs';
import { LoadPending, useActionData } from './use-action-data.js';

const api = new ApiClient();

interface PayWindowContext {
  dueAt: string | null;
  dueAtText: string;
  status: string;
}

const ExtendPayWindow: React.FC<ActionProps> = ({ resource, record }) => {
  const addNotice = useNotice();
  const loaded = useActionData<PayWindowContext>({
    resourceId: resource.id,
    record,
    actionName: 'extendPayWindow',
    param: 'payWindowJson',
  });
  const [hours, setHours] = useState('24');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** The server's refusal of the hours typed, said under the input. */
  const [hoursError, setHoursError] = useState<string | null>(null);

  async function extend(event: React.FormEvent) {
    event.preventDefault();
    if (busy || !record || !loaded.data) return;
    setBusy(true);
    setError(null);
    setHoursError(null);
    try {
      const res = await api.recordAction({
        resourceId: resource.id,
        recordId: record.id,
        actionName: 'extendPayWindow',
        method: 'post',
        data: { extendByHours: hours },
      });
      const data = res.data as {
        notice?: { message: string; type: 'success' | 'error' };
        payWindow?: PayWindowContext;
        record?: { errors?: Record<string, { message?: string }> };
      };
      if (data.notice?.type === 'error') {
        const underField = data.record?.errors?.extendByHours?.message;
        return underField ? setHoursError(underField) : setError(data.notice.message);
      }
      if (data.notice) addNotice(data.notice);
      if (data.payWindow) loaded.setData(data.payWindow);
    } catch {
      setError('The request failed, so the pay window was not changed. Try again.');
    } finally {
      setBusy(false);
    }
  }

  if (!loaded.data)
    return (
      <Box variant="white" data-testid="pay-window-loading">
        <LoadPending
          data={loaded}
          loading="Loading the order's pay window…"
          failedMessage="The order's pay window could not be loaded, so it cannot be extended yet."
          failedTestId="pay-window-load-failed"
        />
      </Box>
    );
  const due = loaded.data.dueAtText;

  return (
    <Box as="form" variant="white" onSubmit={extend} data-testid="extend-pay-window-form">
      <Text mb="lg" data-testid="pay-window-due">
        {due
          ? `Unpaid orders are cancelled when their pay window ends. This one is due by ${due}.`
          : 'This order is not waiting for payment.'}
      </Text>
      <FormGroup error={Boolean(hoursError)}>
        <Label htmlFor="extendByHours" required>
          Give the customer more time (hours)
        </Label>
        {/* Text, not a number input: that one reports "-" or "1e" as empty, so what was refused was not what was typed. */}
        <Input
          id="extendByHours"
          name="extendByHours"
          type="text"
          inputMode="numeric"
          aria-invalid={hoursError ? true : undefined}
          aria-describedby={hoursError ? 'extendByHours-error' : undefined}
          value={hours}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => {
            setHours(e.target.value);
            setHoursError(null);
          }}
        />
        {hoursError ? (
          <FormMessage id="extendByHours-error" role="alert" data-testid="extend-hours-error">
            {hoursError}
          </FormMessage>
        ) : null}
      </FormGroup>
      {error ? <MessageBox mt="default" variant="danger" message={error} /> : null}
      <Box mt="lg">
        <Button type="submit" variant="contained" disabled={busy || hours.trim() === ''}>
          {busy ? 'Extending…' : 'Extend pay window'}
        </Button>
      </Box>
    </Box>
  );
};

export default ExtendPayWindow;
