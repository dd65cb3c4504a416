// The panel's home page: net sales per day (the shop's last 30 days, in its time zone) as a bar chart per currency
// (the shop's own; another only for orders from before the shop changed its currency, never added together), and
// orders by status as horizontal bars, each status as its badge (words on its colours, as the orders list shows
// it), drawn as inline SVG/CSS (no chart library, no network assets). A shop still on the default time zone
// (UTC) while the admin's browser is elsewhere gets a notice offering the change (TimeZoneNotice). Above it all,
// what the shop still lacks before a first order (ReadinessChecklist; gone once nothing is missing), and first,
// money paid for deleted orders that an admin must return by hand (MoneyToReturn; gone once each is marked).
import React, { useEffect, useState } from 'react';
import { Box, Button, H2, H4, Loader, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient } from 'adminjs';

interface Data {
  kind: 'tenant' | 'platform' | 'none';
  tenantName?: string;
  /** The shop's time zone: the days of salesByDay are its days. */
  timeZone?: string;
  /** Where the shop's time zone is changed; only for an admin who may change it. */
  timeZoneSettingsUrl?: string;
  salesByDay?: SalesDay[];
  /** Per currency, the shop's own first; another only when the 30 days have money in it (never added together). */
  sales?: { currency: string; days: SalesDay[] }[];
  byStatus?: { status: string; count: number; label?: string; badge?: { background: string; text: string } | null }[];
  totals?: { orders: number; net: string; pendingPayment: number };
  tenants?: number;
  /** dashboard-view.ts: the counts in words ("1 paid order", "2 orders awaiting payment", "3 shops"). */
  words?: { paidOrders?: string; awaitingPayment?: string; shops?: string; sales?: { currency: string; net: string; from: string }[] };
  /** dashboard/readiness-items.ts: one sentence per gap, and the page that fixes it (never for staff). */
  readiness?: { items: ReadinessItem[]; canFix: boolean };
  /** dashboard/money-to-return.ts: each deleted order's payment to return by hand, and its page. */
  moneyToReturn?: { items: MoneyToReturnItem[]; canMark: boolean };
  /** The shop chose its server's administrators as its admins: who and when; `undoUrl` for an admin only. */
  serverAdminsOnly?: { text: string; undoUrl?: string };
}

interface SalesDay {
  day: string;
  orders: number;
  netCents: number;
  net: string;
}

interface MoneyToReturnItem {
  id: string;
  amount: string;
  text: string;
  url: string;
}

interface ReadinessItem {
  key: string;
  text: string;
  blocksOrders: boolean;
  fix?: { label: string; url: string };
  /** A choice that settles the item (dashboard/readiness-items.ts), posted to `url`. */
  settle?: { label: string; url: string };
}

const api = new ApiClient();

/**
 * Posts the shop's choice that its Discord server's administrators are its admins (`chosen` false: undoes it);
 * the panel's CSRF script adds the token. Resolves to the refusal's message, or null once it is recorded.
 */
async function postServerAdminsOnly(url: string, chosen: boolean): Promise<string | null> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ chosen }) });
  if (res.ok) return null;
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return body?.error?.message ?? `Not recorded (${res.status}). Reload the page and try again.`;
}

/** A status in words on its colours (presentation/labels.ts, as on the orders list). */
const StatusBadge: React.FC<{ row: NonNullable<Data['byStatus']>[number] }> = ({ row }) => (
  <span
    data-testid={`dashboard-status-${row.status}`}
    data-value={row.status}
    style={{
      display: 'inline-block',
      padding: '2px 10px',
      borderRadius: 12,
      fontSize: 12,
      fontWeight: 600,
      whiteSpace: 'nowrap',
      background: row.badge?.background ?? '#ECEDF1',
      color: row.badge?.text ?? '#2F3140',
    }}
  >
    {row.label ?? row.status}
  </span>
);

/** `testId`: the shop's currency's chart is "sales-chart", an earlier currency's "sales-chart-EUR". */
const SalesChart: React.FC<{ days: SalesDay[]; currency: string; testId: string }> = ({ days, currency, testId }) => {
  const top = days.reduce((best, d) => (d.netCents > best.netCents ? d : best), days[0] ?? { netCents: 0, net: '' });
  const width = 720;
  const height = 220;
  const pad = { left: 8, right: 8, top: 16, bottom: 28 };
  const max = Math.max(1, ...days.map((d) => d.netCents));
  const slot = (width - pad.left - pad.right) / days.length;
  const barW = Math.max(2, slot * 0.7);
  const plotH = height - pad.top - pad.bottom;
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      role="img"
      aria-label={`Net sales per day in ${currency}, last 30 days`}
      data-testid={testId}
    >
      <line x1={pad.left} x2={width - pad.right} y1={height - pad.bottom} y2={height - pad.bottom} stroke="#c0c0ca" />
      {top.netCents > 0 && (
        <>
          <line x1={pad.left} x2={width - pad.right} y1={pad.top} y2={pad.top} stroke="#e6e6ee" strokeDasharray="4 4" />
          <text x={pad.left} y={pad.top - 4} fontSize="10" fill="#6c6c80">{`best day ${top.net}`}</text>
        </>
      )}
      {days.map((d, i) => {
        const h = (d.netCents / max) * plotH;
        const x = pad.left + i * slot + (slot - barW) / 2;
        return (
          <g key={d.day}>
            <rect x={x} y={height - pad.bottom - h} width={barW} height={h} fill="#3040d6" rx={2}>
              <title>{`${d.day}: ${d.net} (${d.orders} order${d.orders === 1 ? '' : 's'})`}</title>
            </rect>
            {(i % 5 === 0 || i === days.length - 1) && (
              <text x={x + barW / 2} y={height - 10} fontSize="10" textAnchor="middle" fill="#6c6c80">
                {d.day.slice(5)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
};

const StatusBars: React.FC<{ rows: NonNullable<Data['byStatus']> }> = ({ rows }) => {
  const max = Math.max(1, ...rows.map((r) => r.count));
  return (
    <Box data-testid="status-chart">
      {rows.map((r) => (
        <Box key={r.status} flex flexDirection="row" alignItems="center" mb="sm">
          <Box width="180px">
            <StatusBadge row={r} />
          </Box>
          <Box flexGrow={1} mr="default" style={{ background: '#f1f1f5', height: 16, borderRadius: 3 }}>
            <div
              style={{
                width: `${(r.count / max) * 100}%`,
                height: 16,
                borderRadius: 3,
                background: r.badge?.background ?? '#3040d6',
                ...(r.count > 0 ? { border: `1px solid ${r.badge?.text ?? '#3040d6'}`, boxSizing: 'border-box' as const } : {}),
              }}
            />
          </Box>
          <Box width="40px">
            <Text fontSize="sm" textAlign="right">
              {r.count}
            </Text>
          </Box>
        </Box>
      ))}
    </Box>
  );
};

/** A link or button a thumb can hit on a phone: at least 44 px each way. */
const TAP_TARGET: React.CSSProperties = { minHeight: 44, minWidth: 44, boxSizing: 'border-box' };
const TAP_BUTTON: React.CSSProperties = { ...TAP_TARGET, display: 'inline-flex', alignItems: 'center', justifyContent: 'center' };

/**
 * "Before your first order": each thing the shop still lacks, in one sentence, with the page that fixes it. Those
 * that stop every order come first, marked. Staff see the list without the links (they may not change those
 * pages). Nothing is shown once the shop lacks nothing.
 */
const ReadinessChecklist: React.FC<{ items: ReadinessItem[]; canFix: boolean; onChanged: () => void }> = ({ items, canFix, onChanged }) => {
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (items.length === 0) return null;
  const settle = async (url: string) => {
    setBusy(true);
    const refused = await postServerAdminsOnly(url, true);
    setBusy(false);
    setRefusal(refused);
    if (!refused) onChanged();
  };
  const blocking = items.filter((i) => i.blocksOrders).length;
  return (
    <Box variant="container" mb="xl" data-testid="readiness">
      <H4 mb="sm">Before your first order</H4>
      <Text mb="lg">
        {blocking > 0
          ? `Customers cannot order in Discord until the ${blocking === 1 ? 'first item is' : `first ${blocking} items are`} done.`
          : 'Customers can order; these still leave something out.'}
        {canFix ? '' : ' A shop admin can change these.'}
      </Text>
      <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {items.map((item) => (
          <li
            key={item.key}
            data-testid={`readiness-${item.key}`}
            data-blocks={item.blocksOrders ? 'true' : 'false'}
            style={{ padding: '12px 0', borderTop: '1px solid #e6e6ee', display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 12 }}
          >
            <span style={{ flex: '1 1 260px', minWidth: 0, overflowWrap: 'anywhere' }}>
              {item.blocksOrders && (
                <strong
                  style={{
                    display: 'inline-block',
                    marginRight: 8,
                    padding: '0 8px',
                    borderRadius: 10,
                    background: '#FFE5E0',
                    color: '#8A1F0A',
                    fontSize: 12,
                  }}
                >
                  Stops orders
                </strong>
              )}
              {item.text}
            </span>
            {item.fix && (
              <Button
                as="a"
                href={item.fix.url}
                variant={item.blocksOrders ? 'contained' : 'outlined'}
                data-testid={`readiness-fix-${item.key}`}
                style={{ ...TAP_BUTTON, whiteSpace: 'normal', textAlign: 'center' }}
              >
                {item.fix.label}
              </Button>
            )}
            {item.settle && (
              <Button
                type="button"
                variant="text"
                disabled={busy}
                onClick={() => void settle(item.settle!.url)}
                data-testid={`readiness-settle-${item.key}`}
                style={{ ...TAP_BUTTON, whiteSpace: 'normal', textAlign: 'center' }}
              >
                {item.settle.label}
              </Button>
            )}
          </li>
        ))}
      </ul>
      {refusal && (
        <Text role="alert" mt="default" data-testid="readiness-refusal" style={{ color: '#C0392B' }}>
          {refusal}
        </Text>
      )}
    </Box>
  );
};

/**
 * "Money to return": customers paid for orders the shop had deleted and the provider could not send it back
 * (BTCPay always; a refused PayPal or Square refund). Each links to its page, where an admin marks it
 * "Returned by hand"; staff are told an admin does that. Nothing is shown when there is none.
 */
const MoneyToReturn: React.FC<{ items: MoneyToReturnItem[]; canMark: boolean }> = ({ items, canMark }) => {
  if (items.length === 0) return null;
  return (
    <MessageBox variant="danger" mb="xl" data-testid="money-to-return">
      <H4 mb="sm">Money to return</H4>
      <Text mb="default">
        {items.length === 1 ? 'A customer' : `${items.length} customers`} paid for an order that was deleted, and the provider could not
        send it back. Return it by hand, then mark it returned.{canMark ? '' : ' A shop admin marks it returned.'}
      </Text>
      <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {items.map((item) => (
          <li
            key={item.id}
            data-testid={`money-to-return-${item.id}`}
            style={{ padding: '12px 0', borderTop: '1px solid #e6e6ee', display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 12 }}
          >
            <span style={{ flex: '1 1 260px', minWidth: 0, overflowWrap: 'anywhere' }}>{item.text}</span>
            <Button as="a" href={item.url} variant="outlined" data-testid={`money-to-return-open-${item.id}`} style={TAP_BUTTON}>
              {canMark ? 'Open to mark returned' : 'Open'}
            </Button>
          </li>
        ))}
      </ul>
    </MessageBox>
  );
};

/** Zone names that mean UTC itself: a browser in one of them has nothing to suggest. */
const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Universal', 'Etc/Zulu', 'Zulu', 'Etc/UCT', 'UCT']);

function browserTimeZone(): string | null {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? null;
  } catch {
    return null;
  }
}

/**
 * A new shop's time zone is UTC until someone sets it, and every day of the panel (the chart, the exports' ranges,
 * the tax report's months) then runs midnight to midnight UTC. When the shop is on UTC and the admin's browser
 * is not, say so once, with the way to change it; "Keep UTC" hides the notice in this browser.
 */
const TimeZoneNotice: React.FC<{ shopZone: string; settingsUrl: string }> = ({ shopZone, settingsUrl }) => {
  const dismissKey = `ledgerline.keep-time-zone:${settingsUrl}`;
  const [dismissed, setDismissed] = useState(() => {
    try {
      return window.localStorage.getItem(dismissKey) === shopZone;
    } catch {
      return false;
    }
  });
  const browserZone = browserTimeZone();
  if (dismissed || shopZone !== 'UTC' || !browserZone || UTC_NAMES.has(browserZone)) return null;
  const keep = () => {
    try {
      window.localStorage.setItem(dismissKey, shopZone);
    } catch {
      // A browser without storage shows the notice again next time.
    }
    setDismissed(true);
  };
  return (
    <MessageBox variant="info" mb="xl" data-testid="dashboard-time-zone-notice">
      <Text>
        Your shop&apos;s days and times are in <strong>UTC</strong>, the default. Your browser is in{' '}
        <strong data-testid="dashboard-browser-time-zone">{browserZone}</strong>. If your shop runs on that time, set it as the shop&apos;s
        time zone: the sales chart, exports, tax report and invoice pages follow it.
      </Text>
      <Box mt="default" flex flexDirection="row" style={{ gap: 8, flexWrap: 'wrap' }}>
        <Button as="a" href={settingsUrl} size="sm" variant="contained" data-testid="dashboard-time-zone-set" style={TAP_BUTTON}>
          Set the time zone
        </Button>
        <Button type="button" size="sm" variant="text" onClick={keep} data-testid="dashboard-time-zone-keep" style={TAP_BUTTON}>
          Keep UTC
        </Button>
      </Box>
    </MessageBox>
  );
};

/**
 * The shop's choice that settled "No admin role is set": who the admins are in Discord, who chose it and when;
 * an admin may undo it (the checklist item comes back).
 */
const ServerAdminsOnly: React.FC<{ text: string; undoUrl?: string; onChanged: () => void }> = ({ text, undoUrl, onChanged }) => {
  const [refusal, setRefusal] = useState<string | null>(null);
  const undo = async (url: string) => {
    const refused = await postServerAdminsOnly(url, false);
    setRefusal(refused);
    if (!refused) onChanged();
  };
  return (
    <Box variant="container" mb="xl" data-testid="server-admins-only">
      <Text>{text}</Text>
      {undoUrl && (
        <Box mt="default" flex flexDirection="row" style={{ gap: 8, flexWrap: 'wrap', alignItems: 'center' }}>
          <Button
            type="button"
            size="sm"
            variant="outlined"
            onClick={() => void undo(undoUrl)}
            data-testid="server-admins-only-undo"
            style={TAP_BUTTON}
          >
            Undo
          </Button>
          <Text fontSize="sm">Undo puts "No admin role is set" back on the checklist.</Text>
        </Box>
      )}
      {refusal && (
        <Text role="alert" mt="default" style={{ color: '#C0392B' }}>
          {refusal}
        </Text>
      )}
    </Box>
  );
};

const Dashboard: React.FC = () => {
  const [data, setData] = useState<Data | null>(null);
  const [failed, setFailed] = useState(false);
  const load = () =>
    api
      .getDashboard()
      .then((res) => setData(res.data as Data))
      .catch(() => setFailed(true));
  useEffect(() => {
    void load();
  }, []);
  if (failed)
    return (
      <Box variant="container">
        <Text>The dashboard could not be loaded. Reload the page.</Text>
      </Box>
    );
  if (!data) return <Loader />;
  if (data.kind === 'platform') {
    return (
      <Box variant="container">
        <H2>Ledgerline platform</H2>
        <Text>{data.words?.shops}. Manage tenants, their Discord guilds and their admin users from the menu.</Text>
      </Box>
    );
  }
  if (data.kind !== 'tenant')
    return (
      <Box variant="container">
        <Text>No shop is linked to this account.</Text>
      </Box>
    );
  const sales = data.sales ?? [];
  return (
    <Box variant="grey" data-testid="dashboard">
      <Box variant="container" mb="xl">
        <H2>{data.tenantName}</H2>
        <Text data-testid="dashboard-summary">
          Last 30 days:{' '}
          {(data.words?.sales ?? []).map((c, i) => (
            <span key={c.currency} data-testid={`dashboard-sales-${c.currency}`}>
              {i > 0 && '; '}
              <strong>{c.net}</strong> {c.from}
            </span>
          ))}
          . {data.words?.awaitingPayment}.
        </Text>
      </Box>
      {data.moneyToReturn && <MoneyToReturn items={data.moneyToReturn.items} canMark={data.moneyToReturn.canMark} />}
      {data.readiness && <ReadinessChecklist items={data.readiness.items} canFix={data.readiness.canFix} onChanged={() => void load()} />}
      {data.serverAdminsOnly && (
        <ServerAdminsOnly text={data.serverAdminsOnly.text} undoUrl={data.serverAdminsOnly.undoUrl} onChanged={() => void load()} />
      )}
      {data.timeZoneSettingsUrl && <TimeZoneNotice shopZone={data.timeZone ?? 'UTC'} settingsUrl={data.timeZoneSettingsUrl} />}
      <Box variant="container" mb="xl">
        <H4 mb={data.timeZoneSettingsUrl ? 'sm' : 'lg'}>
          Net sales per day{sales.length > 1 ? ` in ${sales[0]!.currency}` : ''} (last 30 days, {data.timeZone ?? 'UTC'})
        </H4>
        {data.timeZoneSettingsUrl && (
          <Text mb="lg" fontSize="sm">
            Days run midnight to midnight in your shop&apos;s time zone.{' '}
            <a
              href={data.timeZoneSettingsUrl}
              data-testid="dashboard-time-zone-link"
              style={{ ...TAP_TARGET, display: 'inline-flex', alignItems: 'center' }}
            >
              Change the time zone
            </a>
          </Text>
        )}
        {sales[0] && <SalesChart days={sales[0].days} currency={sales[0].currency} testId="sales-chart" />}
      </Box>
      {/* Orders in an earlier currency of the shop: their own chart, never added to the shop's currency. */}
      {sales.slice(1).map((c) => (
        <Box key={c.currency} variant="container" mb="xl">
          <H4 mb="lg">
            Net sales per day in {c.currency} (last 30 days, {data.timeZone ?? 'UTC'})
          </H4>
          <SalesChart days={c.days} currency={c.currency} testId={`sales-chart-${c.currency}`} />
        </Box>
      ))}
      <Box variant="container">
        <H4 mb="lg">Orders by status</H4>
        <StatusBars rows={data.byStatus ?? []} />
      </Box>
    </Box>
  );
};

export default Dashboard;
