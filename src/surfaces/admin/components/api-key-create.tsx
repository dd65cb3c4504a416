// "New API key" (Settings -> API keys): a name and an access level in, the secret out, shown on this page
// only (the server keeps just its hash). The admin copies it before leaving; going back to the list hides it
// for good. The level is preselected "Read only": the least a key can do, the choice a careful owner expects
// for a bookkeeping tool or a dashboard; the words match modules/api-keys/api-key-access.ts's labels.
import React, { useState } from 'react';
import { Box, Button, H3, Input, Label, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient, useNotice, type ActionProps } from 'adminjs';

type Access = 'READ_ONLY' | 'READ_WRITE';

interface Created {
  id: string;
  name: string;
  prefix: string;
  access: Access;
  accessLabel: string;
  secret: string;
}

const ACCESS_CHOICES: { value: Access; label: string; hint: string }[] = [
  {
    value: 'READ_ONLY',
    label: 'Read only',
    hint: 'reads orders, products and exports (GET requests); changes nothing. For bookkeeping, dashboards, stock reports.',
  },
  {
    value: 'READ_WRITE',
    label: 'Read and write',
    hint: 'also updates orders, confirms and rejects payments, refunds, makes invoice links and erases customers: all a shop admin can do.',
  },
];
interface CreateResponse {
  created?: Created;
  listUrl?: string;
  notice?: { message: string; type: string };
}

const api = new ApiClient();

const ApiKeyCreate: React.FC<ActionProps> = ({ resource }) => {
  const addNotice = useNotice();
  const [name, setName] = useState('');
  const [access, setAccess] = useState<Access>('READ_ONLY');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<Created | null>(null);
  const [listUrl, setListUrl] = useState<string>('');
  const [copied, setCopied] = useState(false);

  async function create(event: React.FormEvent) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const res = await api.resourceAction({ resourceId: resource.id, actionName: 'createKey', method: 'post', data: { name, access } });
      const data = res.data as CreateResponse;
      if (data.notice?.type === 'error' || !data.created) {
        setError(data.notice?.message ?? 'The key was not created. Try again.');
        return;
      }
      setCreated(data.created);
      setListUrl(data.listUrl ?? '');
      if (data.notice) addNotice({ message: data.notice.message, type: 'success' });
    } catch {
      setError('The request failed, so no key was created. Check your connection and try again.');
    } finally {
      setBusy(false);
    }
  }

  async function copy() {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.secret);
      setCopied(true);
    } catch {
      setCopied(false);
      setError('Copying is not allowed here: select the secret and copy it yourself.');
    }
  }

  if (created) {
    return (
      <Box variant="white" data-testid="api-key-created">
        <H3>API key “{created.name}” created</H3>
        <MessageBox
          variant="info"
          mb="lg"
          message="Copy the secret now and store it somewhere safe. It is shown only on this page: Ledgerline keeps just a hash of it."
        />
        <Label htmlFor="api-key-secret">Secret</Label>
        <Input
          id="api-key-secret"
          data-testid="api-key-secret"
          readOnly
          value={created.secret}
          width={1}
          onFocus={(e: React.FocusEvent<HTMLInputElement>) => e.target.select()}
        />
        <Box mt="default" flex flexDirection="row" style={{ gap: 8 }}>
          <Button type="button" variant="contained" onClick={copy}>
            {copied ? 'Copied' : 'Copy secret'}
          </Button>
          <Button type="button" as="a" href={listUrl || undefined}>
            I stored it: back to API keys
          </Button>
        </Box>
        <Text mt="lg" data-testid="api-key-created-access">
          Access: <strong>{created.accessLabel}</strong>
          {created.access === 'READ_ONLY'
            ? ' (GET requests only; anything else is refused). For changes, create a read-and-write key.'
            : ' (every request, refunds included).'}
        </Text>
        <Text mt="default">
          Send it with every request to the shop's REST API: <code>Authorization: Bearer &lt;secret&gt;</code>. It is listed as{' '}
          <code>{created.prefix}…</code>.
        </Text>
        {error ? <MessageBox mt="default" variant="danger" message={error} /> : null}
      </Box>
    );
  }

  return (
    <Box as="form" variant="white" onSubmit={create} data-testid="api-key-form">
      <Text mb="lg">
        A key lets a program use the shop's REST API (orders, products, invoice links) as this shop. Name it after what will use it, so you
        know which one to revoke later, and give it no more access than that program needs.
      </Text>
      <Label htmlFor="api-key-name" required>
        Name
      </Label>
      <Input
        id="api-key-name"
        name="name"
        value={name}
        maxLength={100}
        width={1}
        placeholder="e.g. Accounting export"
        onChange={(e: React.ChangeEvent<HTMLInputElement>) => setName(e.target.value)}
      />
      <Box mt="lg" role="radiogroup" aria-label="Access" data-testid="api-key-access">
        <Label>Access</Label>
        {ACCESS_CHOICES.map((c) => (
          <Box key={c.value} mb="sm">
            <label>
              <input type="radio" name="access" value={c.value} checked={access === c.value} onChange={() => setAccess(c.value)} />{' '}
              <strong>{c.label}</strong> — <span>{c.hint}</span>
            </label>
          </Box>
        ))}
        <Text variant="sm">Fixed once the key is created: for another level, create a new key and revoke this one.</Text>
      </Box>
      {error ? <MessageBox mt="default" variant="danger" message={error} /> : null}
      <Box mt="lg">
        <Button type="submit" variant="contained" disabled={busy || name.trim() === ''}>
          {busy ? 'Creating…' : 'Create key'}
        </Button>
      </Box>
    </Box>
  );
};

export default ApiKeyCreate;
