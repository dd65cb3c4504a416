// "New webhook endpoint" (Settings -> Webhook endpoints): URL, events and a description in; the signing
// secret out, shown on this page only (the server keeps it encrypted and never shows it again).
import React, { useState } from 'react';
import { Box, Button, CheckBox, H3, Input, Label, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient, useNotice, type ActionProps } from 'adminjs';

interface Created {
  id: string;
  url: string;
  events: string[];
  secret: string;
}
interface CreateResponse {
  created?: Created;
  listUrl?: string;
  events?: string[];
  notice?: { message: string; type: string };
}

const api = new ApiClient();

const WebhookEndpointCreate: React.FC<ActionProps> = ({ resource }) => {
  // The events offered are the resource's (webhooks.resource.ts: WEBHOOK_EVENTS), as the edit form's; all chosen to start.
  const eventsOffered = (resource.properties.events?.availableValues ?? []).map((v) => String(v.value));
  const addNotice = useNotice();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<string[]>(() => [...eventsOffered]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<Created | null>(null);
  const [listUrl, setListUrl] = useState('');

  const toggle = (event: string) => setEvents((list) => (list.includes(event) ? list.filter((e) => e !== event) : [...list, event]));

  async function create(e: React.FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const res = await api.resourceAction({
        resourceId: resource.id,
        actionName: 'createEndpoint',
        method: 'post',
        data: { url, description, events },
      });
      const data = res.data as CreateResponse;
      if (data.notice?.type === 'error' || !data.created) {
        setError(data.notice?.message ?? 'The endpoint was not created. Try again.');
        return;
      }
      setCreated(data.created);
      setListUrl(data.listUrl ?? '');
      if (data.notice) addNotice({ message: data.notice.message, type: 'success' });
    } catch {
      setError('The request failed, so no endpoint was created. Check your connection and try again.');
    } finally {
      setBusy(false);
    }
  }

  if (created) {
    return (
      <Box variant="white" data-testid="webhook-endpoint-created">
        <H3>Webhook endpoint created</H3>
        <Text mb="default">
          {created.url} receives {created.events.join(', ')}.
        </Text>
        <MessageBox
          variant="info"
          mb="lg"
          message="Copy the signing secret now and give it to the receiving program. It is shown only on this page."
        />
        <Label htmlFor="webhook-secret">Signing secret</Label>
        <Input
          id="webhook-secret"
          data-testid="webhook-secret"
          readOnly
          value={created.secret}
          width={1}
          onFocus={(ev: React.FocusEvent<HTMLInputElement>) => ev.target.select()}
        />
        <Text mt="lg">
          Every request carries the Standard Webhooks headers webhook-id, webhook-timestamp and webhook-signature: verify the signature with
          this secret (any Standard Webhooks library does it) before trusting the body.
        </Text>
        <Box mt="default">
          <Button type="button" as="a" href={listUrl || undefined}>
            I stored it: back to webhook endpoints
          </Button>
        </Box>
      </Box>
    );
  }

  return (
    <Box as="form" variant="white" onSubmit={create} data-testid="webhook-endpoint-form">
      <Text mb="lg">
        Ledgerline POSTs a signed JSON message to this URL when an order event happens, and retries for about 28 hours until it answers 2xx.
      </Text>
      <Label htmlFor="webhook-url" required>
        URL (https://)
      </Label>
      <Input
        id="webhook-url"
        name="url"
        value={url}
        maxLength={2000}
        width={1}
        placeholder="https://example.com/webhooks/ledgerline"
        onChange={(ev: React.ChangeEvent<HTMLInputElement>) => setUrl(ev.target.value)}
      />
      <Label mt="default" htmlFor="webhook-description">
        Description
      </Label>
      <Input
        id="webhook-description"
        name="description"
        value={description}
        maxLength={200}
        width={1}
        placeholder="e.g. Accounting system"
        onChange={(ev: React.ChangeEvent<HTMLInputElement>) => setDescription(ev.target.value)}
      />
      <Label mt="default" required>
        Events
      </Label>
      {eventsOffered.map((event) => (
        <Box key={event} flex flexDirection="row" alignItems="center" mb="sm">
          <CheckBox id={`event-${event}`} checked={events.includes(event)} onChange={() => toggle(event)} />
          <Label inline htmlFor={`event-${event}`} ml="default">
            {event}
          </Label>
        </Box>
      ))}
      {error ? <MessageBox mt="default" variant="danger" message={error} /> : null}
      <Box mt="lg">
        <Button type="submit" variant="contained" disabled={busy || url.trim() === '' || events.length === 0}>
          {busy ? 'Creating…' : 'Create endpoint'}
        </Button>
      </Box>
    </Box>
  );
};

export default WebhookEndpointCreate;
