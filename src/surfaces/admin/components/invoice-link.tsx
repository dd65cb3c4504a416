// "Invoice link" on an unpaid order: a page that signs a new link when it opens (a POST: a GET of the action only
// loads the order) and shows it to copy or open, with when it stops working. The link opens the order's invoice
// page, where the customer can pay online; anyone holding it can see that invoice. The link lived only in a
// notice before, which disappears after a few seconds, too soon to copy a long URL. When it stops working comes
// formatted by the server (the shop's time zone, the panel's one format), as every other time in the panel.
import React, { useEffect, useState } from 'react';
import { Box, Button, H3, Input, Label, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient, type ActionProps } from 'adminjs';

interface LinkResponse {
  invoiceLink?: string;
  invoiceLinkExpiresAt?: string;
  invoiceLinkExpiresShown?: string;
  notice?: { message: string; type: string };
}

const api = new ApiClient();

// AdminJS mounts an action's component again once it has fetched the record: one opening of the page asks once,
// and a page opened again later signs a fresh link.
const asking = new Map<string, Promise<LinkResponse>>();
function signOnce(resourceId: string, recordId: string): Promise<LinkResponse> {
  let pending = asking.get(recordId);
  if (!pending) {
    pending = api.recordAction({ resourceId, recordId, actionName: 'invoiceLink', data: {} }).then((res) => res.data as LinkResponse);
    asking.set(recordId, pending);
    const forget = () => setTimeout(() => asking.delete(recordId), 10_000);
    pending.then(forget, forget);
  }
  return pending;
}

const InvoiceLink: React.FC<ActionProps> = ({ resource, record }) => {
  const [link, setLink] = useState<{ url: string; expiresShown: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const recordId = String(record?.id ?? '');
  const showUrl = `${window.location.pathname.replace(/\/invoiceLink$/, '/show')}`;

  useEffect(() => {
    if (!recordId) return;
    let current = true;
    signOnce(resource.id, recordId)
      .then((data) => {
        if (!current) return;
        if (data.notice?.type === 'error' || !data.invoiceLink) setError(data.notice?.message ?? 'No link was made. Try again.');
        else setLink({ url: data.invoiceLink, expiresShown: data.invoiceLinkExpiresShown ?? '' });
      })
      .catch(() => current && setError('The request failed, so no link was made. Check your connection and reload this page.'));
    return () => {
      current = false;
    };
  }, [resource.id, recordId]);

  async function copy() {
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link.url);
      setCopied(true);
    } catch {
      setError('Copying is not allowed here: select the link and copy it yourself.');
    }
  }

  const number = record?.params?.number;
  return (
    <Box variant="white" data-testid="invoice-link">
      <H3>Invoice link{number ? ` for order #${String(number)}` : ''}</H3>
      {link ? (
        <>
          <MessageBox
            variant="info"
            mb="lg"
            message={`Send this link to the customer: it opens the order's invoice, where they can pay online. It works until ${link.expiresShown}. Anyone who has it can see the invoice.`}
          />
          <Label htmlFor="invoice-link-url">Link</Label>
          <Input
            id="invoice-link-url"
            data-testid="invoice-link-url"
            readOnly
            value={link.url}
            width={1}
            onFocus={(e: React.FocusEvent<HTMLInputElement>) => e.target.select()}
          />
          <Box mt="default" flex flexDirection="row" style={{ gap: 8 }}>
            <Button type="button" variant="contained" onClick={copy}>
              {copied ? 'Copied' : 'Copy link'}
            </Button>
            <Button type="button" as="a" href={link.url} target="_blank" rel="noopener noreferrer">
              Open the invoice
            </Button>
            <Button type="button" as="a" href={showUrl}>
              Back to the order
            </Button>
          </Box>
        </>
      ) : error ? null : (
        <Text>Signing a link…</Text>
      )}
      {error ? <MessageBox mt="default" variant="danger" message={error} /> : null}
    </Box>
  );
};

export default InvoiceLink;
