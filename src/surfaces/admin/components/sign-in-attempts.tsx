// Sign-in attempts page: the recent attempts on the accounts this admin may see, newest first.
import React, { useEffect, useState } from 'react';
import { Box, H3, MessageBox, Table, TableBody, TableCell, TableHead, TableRow, Text } from '@adminjs/design-system';
import { ApiClient } from 'adminjs';

interface Attempt {
  at: string;
  when: string;
  email: string;
  ip: string;
  outcome: string;
}
interface Data {
  intro?: string;
  attempts?: Attempt[];
  notice?: { type: string; message: string };
}

const api = new ApiClient();

const SignInAttempts: React.FC = () => {
  const [data, setData] = useState<Data | null>(null);
  useEffect(() => {
    api
      .getPage({ pageName: 'signInAttempts' })
      .then((res) => setData(res.data as Data))
      .catch(() => setData({ notice: { type: 'error', message: 'The sign-in attempts could not be read.' } }));
  }, []);

  return (
    <Box variant="white" m="xl" data-testid="sign-in-attempts-page">
      <H3>Recent sign-in attempts</H3>
      {data?.notice ? <MessageBox mb="default" variant="danger" message={data.notice.message} /> : null}
      {data?.intro ? <Text mb="lg">{data.intro}</Text> : null}
      {data === null ? (
        <Text>Loading…</Text>
      ) : (data.attempts ?? []).length === 0 ? (
        <Text>No attempts yet.</Text>
      ) : (
        <Table>
          <TableHead>
            <TableRow>
              <TableCell>When</TableCell>
              <TableCell>Email</TableCell>
              <TableCell>Address</TableCell>
              <TableCell>Outcome</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {(data.attempts ?? []).map((a, i) => (
              <TableRow key={`${a.at}-${i}`} data-testid="sign-in-attempt">
                <TableCell>{a.when}</TableCell>
                <TableCell>{a.email}</TableCell>
                <TableCell>{a.ip}</TableCell>
                <TableCell>{a.outcome}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
};

export default SignInAttempts;
