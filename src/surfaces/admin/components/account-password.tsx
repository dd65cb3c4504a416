// "Change password": current password, new one twice. The server checks the current one and the length.
import React, { useEffect, useState } from 'react';
import { Box, Button, H3, Input, Label, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient } from 'adminjs';

interface PageData {
  email?: string;
  minLength?: number;
  changed?: boolean;
  notice?: { message: string; type: string };
}

const api = new ApiClient();
const PAGE = 'changePassword';

const AccountPassword: React.FC = () => {
  const [info, setInfo] = useState<PageData>({});
  const [form, setForm] = useState({ currentPassword: '', newPassword: '', confirmPassword: '' });
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<PageData['notice'] | null>(null);

  useEffect(() => {
    api
      .getPage({ pageName: PAGE })
      .then((res) => setInfo(res.data as PageData))
      .catch(() => undefined);
  }, []);

  const field = (name: keyof typeof form) => ({
    id: `account-${name}`,
    name,
    type: 'password',
    value: form[name],
    width: 1,
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [name]: e.target.value }),
  });

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setNotice(null);
    try {
      const res = await api.getPage({ pageName: PAGE, method: 'post', data: form });
      const data = res.data as PageData;
      setNotice(data.notice ?? null);
      if (data.changed) setForm({ currentPassword: '', newPassword: '', confirmPassword: '' });
    } catch {
      setNotice({ type: 'error', message: 'The request failed; the password was not changed.' });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Box variant="white" m="xl" as="form" onSubmit={submit} data-testid="account-password-form">
      <H3>Change your password</H3>
      <Text mb="lg">Signed in as {info.email ?? '…'}. Your other signed-in browsers are signed out when the password changes.</Text>
      <Label htmlFor="account-currentPassword" required>
        Current password
      </Label>
      <Input {...field('currentPassword')} autoComplete="current-password" />
      <Label mt="default" htmlFor="account-newPassword" required>
        New password (at least {info.minLength ?? 12} characters)
      </Label>
      <Input {...field('newPassword')} autoComplete="new-password" />
      <Label mt="default" htmlFor="account-confirmPassword" required>
        New password again
      </Label>
      <Input {...field('confirmPassword')} autoComplete="new-password" />
      {notice ? (
        <MessageBox
          mt="default"
          variant={notice.type === 'error' ? 'danger' : 'success'}
          message={notice.message}
          data-testid="account-password-notice"
        />
      ) : null}
      <Box mt="lg">
        <Button type="submit" variant="contained" disabled={busy || !form.currentPassword || !form.newPassword}>
          {busy ? 'Saving…' : 'Change password'}
        </Button>
      </Box>
    </Box>
  );
};

export default AccountPassword;
