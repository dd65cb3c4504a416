// Jobs page: backlog per task and failed jobs (last error shown), with Retry and Discard.
import React, { useEffect, useState } from 'react';
import { Box, Button, H3, H4, MessageBox, Table, TableBody, TableCell, TableHead, TableRow, Text } from '@adminjs/design-system';
import { ApiClient } from 'adminjs';

interface Backlog {
  task: string;
  waiting: number;
  failed: number;
  oldestWaitingSeconds: number;
}
interface Failed {
  id: string;
  task: string;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  updatedAt: string;
}
interface Data {
  forbidden?: boolean;
  backlog?: Backlog[];
  failed?: Failed[];
  notice?: { type: string; message: string };
}

const api = new ApiClient();

const Jobs: React.FC = () => {
  const [data, setData] = useState<Data>({});
  const [busy, setBusy] = useState<string | null>(null);

  const load = () =>
    api
      .getPage({ pageName: 'jobs' })
      .then((res) => setData(res.data as Data))
      .catch(() => setData({ notice: { type: 'error', message: 'The job queue could not be read.' } }));
  useEffect(() => {
    void load();
  }, []);

  async function act(action: 'retry' | 'discard', jobId: string) {
    if (action === 'discard' && !window.confirm(`Discard job ${jobId}? It will not run again.`)) return;
    setBusy(jobId);
    try {
      const res = await api.getPage({ pageName: 'jobs', method: 'post', data: { action, jobId } });
      setData(res.data as Data);
    } finally {
      setBusy(null);
    }
  }

  return (
    <Box variant="white" m="xl" data-testid="jobs-page">
      <H3>Jobs</H3>
      {data.notice ? (
        <MessageBox mb="default" variant={data.notice.type === 'error' ? 'danger' : 'success'} message={data.notice.message} />
      ) : null}
      {data.forbidden ? null : (
        <>
          <H4>Backlog</H4>
          {(data.backlog ?? []).length === 0 ? (
            <Text mb="lg">No jobs waiting.</Text>
          ) : (
            <Table mb="lg">
              <TableHead>
                <TableRow>
                  <TableCell>Task</TableCell>
                  <TableCell>Waiting</TableCell>
                  <TableCell>Oldest waiting</TableCell>
                  <TableCell>Failed</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {(data.backlog ?? []).map((b) => (
                  <TableRow key={b.task}>
                    <TableCell>{b.task}</TableCell>
                    <TableCell>{b.waiting}</TableCell>
                    <TableCell>{b.waiting ? `${b.oldestWaitingSeconds} s` : '—'}</TableCell>
                    <TableCell>{b.failed}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
          <H4>Failed jobs (attempts used up)</H4>
          {(data.failed ?? []).length === 0 ? (
            <Text>None.</Text>
          ) : (
            <Table>
              <TableHead>
                <TableRow>
                  <TableCell>Job</TableCell>
                  <TableCell>Task</TableCell>
                  <TableCell>Attempts</TableCell>
                  <TableCell>Last error</TableCell>
                  <TableCell>Last try</TableCell>
                  <TableCell />
                </TableRow>
              </TableHead>
              <TableBody>
                {(data.failed ?? []).map((j) => (
                  <TableRow key={j.id} data-testid={`failed-job-${j.id}`}>
                    <TableCell>{j.id}</TableCell>
                    <TableCell>{j.task}</TableCell>
                    <TableCell>
                      {j.attempts}/{j.maxAttempts}
                    </TableCell>
                    <TableCell>
                      <code style={{ whiteSpace: 'pre-wrap' }}>{j.lastError ?? ''}</code>
                    </TableCell>
                    <TableCell>{new Date(j.updatedAt).toLocaleString()}</TableCell>
                    <TableCell>
                      <Button size="sm" mr="sm" disabled={busy === j.id} onClick={() => act('retry', j.id)}>
                        Retry
                      </Button>
                      <Button size="sm" variant="danger" disabled={busy === j.id} onClick={() => act('discard', j.id)}>
                        Discard
                      </Button>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </>
      )}
    </Box>
  );
};

export default Jobs;
