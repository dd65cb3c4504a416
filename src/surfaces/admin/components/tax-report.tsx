// "Tax & exports" page: tax collected per month (collected, refunded, net) and the CSV downloads.
import React, { useEffect, useState } from 'react';
import {
  Box,
  H3,
  H4,
  Input,
  Label,
  MessageBox,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Text,
} from '@adminjs/design-system';
import { ApiClient } from 'adminjs';

interface Month {
  month: string;
  ordersPaid: number;
  collected: string;
  refunded: string;
  net: string;
}
interface Data {
  forbidden?: boolean;
  notice?: { type: string; message: string };
  timeZone?: string;
  months?: Month[];
  total?: { collected: string; refunded: string; net: string };
  exportKinds?: string[];
  exportPath?: string;
  /** Shop admins only (the files carry every customer's orders). */
  canExport?: boolean;
  /** The range the downloads open on: this month so far, in the shop's days (decided by the server). */
  exportRange?: { from: string; to: string };
}

const api = new ApiClient();
const LABELS: Record<string, string> = { orders: 'Orders', payments: 'Payments', refunds: 'Refunds', tax: 'Sales tax (sales and refunds)' };

const TaxReport: React.FC = () => {
  const [data, setData] = useState<Data>({});

  useEffect(() => {
    api
      .getPage({ pageName: 'tax' })
      .then((res) => setData(res.data as Data))
      .catch(() => setData({ notice: { type: 'error', message: 'The tax report could not be loaded.' } }));
  }, []);

  return (
    <Box variant="white" m="xl" data-testid="tax-page">
      <H3>Tax &amp; exports</H3>
      {data.notice ? (
        <MessageBox mb="default" variant={data.notice.type === 'error' ? 'danger' : 'success'} message={data.notice.message} />
      ) : null}
      {data.forbidden || !data.months ? null : (
        <>
          <H4>Sales tax per month</H4>
          <Text mb="default">
            Months in the shop&apos;s time zone ({data.timeZone}). Collected: tax on orders paid that month. Refunded: tax returned by
            refunds made that month.
          </Text>
          <Table mb="xl" data-testid="tax-months">
            <TableHead>
              <TableRow>
                <TableCell>Month</TableCell>
                <TableCell>Orders paid</TableCell>
                <TableCell>Collected</TableCell>
                <TableCell>Refunded</TableCell>
                <TableCell>Net</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {data.months.map((m) => (
                <TableRow key={m.month}>
                  <TableCell>{m.month}</TableCell>
                  <TableCell>{m.ordersPaid}</TableCell>
                  <TableCell>{m.collected}</TableCell>
                  <TableCell>{m.refunded}</TableCell>
                  <TableCell>
                    <strong>{m.net}</strong>
                  </TableCell>
                </TableRow>
              ))}
              {data.total ? (
                <TableRow>
                  <TableCell>
                    <strong>Total</strong>
                  </TableCell>
                  <TableCell />
                  <TableCell>{data.total.collected}</TableCell>
                  <TableCell>{data.total.refunded}</TableCell>
                  <TableCell>
                    <strong>{data.total.net}</strong>
                  </TableCell>
                </TableRow>
              ) : null}
            </TableBody>
          </Table>
          <H4>Exports (CSV)</H4>
          {data.canExport ? (
            <ExportForm kinds={data.exportKinds ?? []} exportPath={data.exportPath ?? '/admin/exports'} range={data.exportRange} />
          ) : (
            <Text mb="lg" data-testid="export-admins-only">
              The CSV exports are for the shop&apos;s admins: they carry every customer&apos;s orders. Ask an admin for one.
            </Text>
          )}
          <Text>Dates are the shop&apos;s days ({data.timeZone}); amounts are decimals in the shop&apos;s currency.</Text>
        </>
      )}
    </Box>
  );
};

/** The CSV downloads, for a shop admin: what, from, to (inclusive); the link is live once the range is. */
const ExportForm: React.FC<{ kinds: string[]; exportPath: string; range?: { from: string; to: string } }> = ({
  kinds,
  exportPath,
  range,
}) => {
  const [kind, setKind] = useState('orders');
  const [from, setFrom] = useState(range?.from ?? '');
  const [to, setTo] = useState(range?.to ?? '');
  const href = `${exportPath}/${encodeURIComponent(kind)}.csv?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  // The server refuses these too; said here so the button is not pressed for nothing.
  const rangeProblem =
    !from || !to ? 'Choose both dates.' : from > to ? 'The range starts after it ends: choose a From on or before To.' : null;
  const options = kinds.map((k) => ({ value: k, label: LABELS[k] ?? k }));
  return (
    <>
      <Box flex flexDirection="row" alignItems="flex-end" mb="lg">
        <Box mr="lg" width={280}>
          <Label htmlFor="export-kind">What</Label>
          <Select
            inputId="export-kind"
            value={options.find((o) => o.value === kind)}
            options={options}
            onChange={(o: { value: string } | null) => o && setKind(o.value)}
          />
        </Box>
        <Box mr="lg">
          <Label htmlFor="export-from">From</Label>
          <Input id="export-from" type="date" value={from} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setFrom(e.target.value)} />
        </Box>
        <Box mr="lg">
          <Label htmlFor="export-to">To (inclusive)</Label>
          <Input id="export-to" type="date" value={to} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setTo(e.target.value)} />
        </Box>
        {/* No `download` attribute: the CSV is an attachment (saved without leaving the page), and a refusal
          is a plain-text page the admin can read, not a silently failed download. */}
        <a
          href={rangeProblem ? undefined : href}
          aria-disabled={rangeProblem ? true : undefined}
          data-testid="export-download"
          style={{
            padding: '10px 16px',
            background: rangeProblem ? '#9AA0B5' : '#3040D6',
            color: '#fff',
            borderRadius: 4,
            textDecoration: 'none',
            cursor: rangeProblem ? 'not-allowed' : undefined,
          }}
        >
          Download CSV
        </a>
      </Box>
      {rangeProblem ? <MessageBox mb="lg" variant="danger" message={rangeProblem} data-testid="export-range-problem" /> : null}
    </>
  );
};

export default TaxReport;
