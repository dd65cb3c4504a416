// Settings -> Payments: one card per provider (PayPal, Square for Cash App Pay, BTCPay) with its form.
// Secret fields are write-only (the stored value shows as its last 4; leave empty to keep it). "Test
// connection" shows the provider's own answer; a method can be switched on (Shop settings) only after it passed.
import React, { useEffect, useState } from 'react';
import { Box, Button, H3, Input, Label, MessageBox, Select, Text } from '@adminjs/design-system';
import { ApiClient, type ActionProps } from 'adminjs';

interface Field {
  name: string;
  label: string;
  /** A webhook setting: known only once the webhook URL (shown after the first save) is registered. */
  webhook?: boolean;
}
interface Form {
  provider: string;
  label: string;
  methods: string[];
  /** The methods in words ("Cash App Pay"), from the panel's one list. */
  methodsShown: string;
  notConnectedLabel: string;
  environments: string[];
  configFields: Field[];
  secretFields: Field[];
}
interface Connection {
  id: string;
  provider: string;
  environment: string;
  config: Record<string, string>;
  secretHints: Record<string, string>;
  status: string;
  /** The status in words ("Saved, not tested yet"). */
  statusLabel: string;
  lastTestOk: boolean | null;
  lastTestMessage: string | null;
  lastTestedAt: string | null;
  webhookUrl: string;
  /** The connection as loaded, posted back with a save (the save writes only what was changed). */
  loaded: unknown;
}
interface PageData {
  forms: Form[];
  connections: Connection[];
  result?: { ok: boolean; message: string };
}

const api = new ApiClient();

/** The webhook URL as the provider must be given it: absolute (PUBLIC_BASE_URL unset: this panel's own origin). */
const absolute = (url: string) => (/^https?:\/\//.test(url) ? url : `${window.location.origin}${url}`);

const ProviderCard: React.FC<{
  form: Form;
  connection?: Connection;
  busy: boolean;
  run: (data: Record<string, unknown>) => Promise<void>;
}> = ({ form, connection, busy, run }) => {
  const [environment, setEnvironment] = useState(connection?.environment ?? form.environments[0]!);
  const [config, setConfig] = useState<Record<string, string>>(connection?.config ?? {});
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  // The connection as this form loaded it: kept until a save succeeds (the card is then drawn again from the saved
  // row), so a refused save's retry is refused again instead of writing the old values over the new ones.
  const [shown] = useState(() => (connection ? JSON.stringify(connection.loaded) : ''));
  const id = (name: string) => `${form.provider}-${name}`;
  const save = (e: React.FormEvent) => {
    e.preventDefault();
    void run({ op: 'save', provider: form.provider, environment, config, secrets, shown });
  };
  const status = connection?.statusLabel ?? form.notConnectedLabel;
  return (
    <Box as="form" variant="white" mb="xl" onSubmit={save} data-testid={`payments-${form.provider}`}>
      <H3>{form.label}</H3>
      <Text mb="default">
        Settles: <span data-testid={`methods-${form.provider}`}>{form.methodsShown}</span> · Status:{' '}
        <strong data-testid={`status-${form.provider}`} data-value={connection?.status ?? 'NOT_CONNECTED'}>
          {status}
        </strong>
      </Text>
      {connection?.lastTestMessage ? (
        <MessageBox
          mb="default"
          variant={connection.lastTestOk ? 'success' : 'danger'}
          message={`Last test: ${connection.lastTestMessage}`}
          data-testid={`test-${form.provider}`}
        />
      ) : null}
      {form.environments.length > 1 ? (
        <Box mb="default">
          <Label htmlFor={id('environment')}>Environment</Label>
          <Select
            inputId={id('environment')}
            value={{ value: environment, label: environment }}
            options={form.environments.map((e) => ({ value: e, label: e }))}
            onChange={(o: { value: string } | null) => o && setEnvironment(o.value)}
          />
        </Box>
      ) : null}
      {form.configFields.map((f) => (
        <Box mb="default" key={f.name}>
          <Label htmlFor={id(f.name)} required={!f.webhook}>
            {f.label}
            {f.webhook ? ' (after the webhook is registered)' : ''}
          </Label>
          <Input
            id={id(f.name)}
            name={f.name}
            width={1}
            value={config[f.name] ?? ''}
            onChange={(e: React.ChangeEvent<HTMLInputElement>) => setConfig({ ...config, [f.name]: e.target.value })}
          />
        </Box>
      ))}
      {form.secretFields.map((f) => (
        <Box mb="default" key={f.name}>
          <Label htmlFor={id(f.name)} required={!connection?.secretHints[f.name] && !f.webhook}>
            {f.label} (write-only{f.webhook ? ', after the webhook is registered' : ''})
          </Label>
          <Input
            id={id(f.name)}
            name={f.name}
            type="password"
            autoComplete="new-password"
            width={1}
            value={secrets[f.name] ?? ''}
            placeholder={connection?.secretHints[f.name] ? `stored: ${connection.secretHints[f.name]} (leave empty to keep)` : ''}
            onChange={(e: React.ChangeEvent<HTMLInputElement>) => setSecrets({ ...secrets, [f.name]: e.target.value })}
          />
        </Box>
      ))}
      {connection ? (
        <Text mb="default">
          Webhook URL to register at the provider: <code data-testid={`webhook-${form.provider}`}>{absolute(connection.webhookUrl)}</code>
        </Text>
      ) : (
        <Text mb="default" data-testid={`webhook-later-${form.provider}`}>
          Save the other fields first: the webhook URL to register at the provider appears here after the first save, and the webhook fields
          can be filled in then.
        </Text>
      )}
      <Box flex flexDirection="row" style={{ gap: 8 }}>
        <Button type="submit" variant="contained" disabled={busy}>
          Save
        </Button>
        {connection && connection.status !== 'DISCONNECTED' ? (
          <>
            <Button type="button" disabled={busy} onClick={() => void run({ op: 'test', provider: form.provider })}>
              Test connection
            </Button>
            <Button
              type="button"
              disabled={busy}
              onClick={() => {
                // Erases the credentials and switches the method off for customers: ask, as every destructive button does.
                const question = `Disconnect ${form.label}? Its secrets are erased and customers can no longer pay with it until it is connected again.`;
                if (window.confirm(question)) void run({ op: 'disconnect', provider: form.provider });
              }}
            >
              Disconnect
            </Button>
          </>
        ) : null}
      </Box>
    </Box>
  );
};

const PaymentsSettings: React.FC<ActionProps> = ({ resource }) => {
  const [data, setData] = useState<PageData | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Per provider, bumped by each successful action: its card is drawn again from the connection as now stored.
  const [generation, setGeneration] = useState<Record<string, number>>({});

  async function call(method: 'get' | 'post', payload?: Record<string, unknown>) {
    setBusy(true);
    setError(null);
    try {
      const res = await api.resourceAction({ resourceId: resource.id, actionName: 'list', method, data: payload });
      const payments = (res.data as { payments: PageData }).payments;
      setData(payments);
      const provider = payload?.provider;
      if (typeof provider === 'string' && payments.result?.ok) setGeneration((g) => ({ ...g, [provider]: (g[provider] ?? 0) + 1 }));
    } catch {
      setError('The request failed; nothing was changed. Check your connection and try again.');
    } finally {
      setBusy(false);
    }
  }
  useEffect(() => {
    void call('get');
  }, []);

  if (!data)
    return (
      <Box variant="white">
        <Text>Loading…</Text>
        {error ? <MessageBox variant="danger" message={error} /> : null}
      </Box>
    );
  return (
    <Box>
      <Text mb="lg">
        Connect the shop's own accounts: payments land in the shop's account, never in Ledgerline's. A processor-backed method can be
        switched on in Shop settings only while its connection passes "Test connection".
      </Text>
      {data.result ? (
        <MessageBox mb="lg" variant={data.result.ok ? 'success' : 'danger'} message={data.result.message} data-testid="payments-result" />
      ) : null}
      {error ? <MessageBox mb="lg" variant="danger" message={error} /> : null}
      {data.forms.map((form) => (
        <ProviderCard
          key={`${form.provider}-${data.connections.find((c) => c.provider === form.provider)?.id ?? 'new'}-${generation[form.provider] ?? 0}`}
          form={form}
          busy={busy}
          connection={data.connections.find((c) => c.provider === form.provider)}
          run={(payload) => call('post', payload)}
        />
      ))}
    </Box>
  );
};

export default PaymentsSettings;
