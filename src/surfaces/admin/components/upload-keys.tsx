// Products -> Upload keys: paste licence keys (one per line, or CSV with the key in the first column). They
// are added to the product's key stock and its stock; keys already there are skipped.
import React, { useState } from 'react';
import { Box, Button, Label, MessageBox, Text, TextArea } from '@adminjs/design-system';
import { ApiClient, useNotice, type ActionProps } from 'adminjs';

const api = new ApiClient();

const UploadKeys: React.FC<ActionProps> = ({ resource, record }) => {
  const addNotice = useNotice();
  const [keys, setKeys] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function upload(event: React.FormEvent) {
    event.preventDefault();
    if (busy || !record) return;
    setBusy(true);
    setError(null);
    try {
      const res = await api.recordAction({
        resourceId: resource.id,
        recordId: record.id,
        actionName: 'uploadKeys',
        method: 'post',
        data: { keys },
      });
      const notice = (res.data as { notice?: { message: string; type: 'success' | 'error' } }).notice;
      if (notice?.type === 'error') return setError(notice.message);
      if (notice) addNotice(notice);
      setKeys('');
    } catch {
      setError('The request failed, so no keys were added. Try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <Box as="form" variant="white" onSubmit={upload} data-testid="upload-keys-form">
      <Text mb="lg">
        One key per line, or a CSV with the key in the first column. Each key is given out once, by DM, when an order is paid; the product's
        stock grows by the keys added.
      </Text>
      <Label htmlFor="keys" required>
        Keys
      </Label>
      <TextArea
        id="keys"
        name="keys"
        rows={12}
        width={1}
        value={keys}
        onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setKeys(e.target.value)}
      />
      {error ? <MessageBox mt="default" variant="danger" message={error} /> : null}
      <Box mt="lg">
        <Button type="submit" variant="contained" disabled={busy || keys.trim() === ''}>
          {busy ? 'Uploading…' : 'Upload keys'}
        </Button>
      </Box>
    </Box>
  );
};

export default UploadKeys;
