// GET /api/exports/:kind: the bookkeeping CSVs through the REST API. Date ranges are the shop's own days
// (time zone column), cells are RFC 4180 and defused against spreadsheet formulas, only the key's shop is
// read, and bad requests are JSON errors before any CSV byte.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell } from '../../../src/modules/exports/csv.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { adminCtx } from '../../helpers/actors.js';

const db = testDb();
const f = factories(db);
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.services.close();
});

/** RFC 4180 parser for the assertions (quoted fields, doubled quotes, CRLF inside quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/**
 * The UTC day of now (the shops below keep their days in UTC), for an export's from or to. Read before a test's
 * first row and after its last, so a UTC midnight while the test runs leaves every row inside from..to.
 */
const utcDay = () => new Date().toISOString().slice(0, 10);

async function shop(timeZone: string) {
  const tenant = await f.tenant({ timeZone });
  const customer = await f.customer({ tenantId: tenant.id, username: '=HYPERLINK("http://evil.example","click"), "quoted"\nname' });
  const product = await f.product({ tenantId: tenant.id, name: 'Widget, large', unitPriceCents: 1000 });
  const { key } = await t.services.apiKeys.create(adminCtx(tenant.id), 'export key', 'READ_WRITE');
  return { tenant, customer, product, auth: { authorization: `Bearer ${key}` } };
}

const get = (auth: Record<string, string>, path: string) =>
  request(t.app)
    .get(path)
    .set(auth)
    .buffer(true)
    .parse((res, cb) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => cb(null, body));
    });

describe('GET /api/exports/:kind', () => {
  it("exports the orders of the shop's own days (America/New_York), escaped and formula-safe", async () => {
    const s = await shop('America/New_York');
    const mk = (createdAt: string, extra: Record<string, unknown> = {}) =>
      f.order({
        tenantId: s.tenant.id,
        customerId: s.customer.id,
        createdAt: new Date(createdAt),
        taxAmountCents: 83,
        discountCents: 100,
        shippingCents: 250,
        totalCents: 2233,
        lines: [{ productId: s.product.id, sku: 'W-L', name: 'Widget, large', quantity: 2, unitPriceCents: 1000 }],
        ...extra,
      });
    // 2026-03-01 00:30 in New York is 05:30 UTC; 2026-03-31 23:30 local is 2026-04-01 03:30 UTC (EDT).
    const before = await mk('2026-03-01T04:59:00Z'); // Feb 28, 23:59 local: outside
    const first = await mk('2026-03-01T05:30:00Z', { status: 'PAID', paidAt: new Date('2026-03-01T06:00:00Z') });
    const last = await mk('2026-04-01T03:30:00Z');
    const after = await mk('2026-04-01T04:00:00Z'); // Apr 1, 00:00 local: outside

    const res = await get(s.auth, '/api/exports/orders.csv?from=2026-03-01&to=2026-03-31').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="orders-2026-03-01-to-2026-03-31.csv"');
    const text = res.body as string;
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(text);
    const header = rows[0]!;
    expect(header.slice(0, 4)).toEqual(['order_number', 'order_id', 'created_at', 'status']);
    const col = (row: string[], name: string) => row[header.indexOf(name)];
    expect(rows.slice(1).map((r) => col(r, 'order_id'))).toEqual([first.id, last.id]);
    expect(rows.slice(1).map((r) => col(r, 'order_id'))).not.toContain(before.id);
    expect(rows.slice(1).map((r) => col(r, 'order_id'))).not.toContain(after.id);
    const row = rows[1]!;
    expect(col(row, 'created_at')).toBe('2026-03-01 00:30:00');
    expect(col(row, 'paid_at')).toBe('2026-03-01 01:00:00');
    expect([col(row, 'subtotal'), col(row, 'discount'), col(row, 'shipping'), col(row, 'sales_tax'), col(row, 'total')]).toEqual([
      '20.00',
      '1.00',
      '2.50',
      '0.83',
      '22.33',
    ]);
    // The formula is defused (leading quote) and the comma, quotes and line break survive the round trip.
    expect(col(row, 'customer')).toBe('\'=HYPERLINK("http://evil.example","click"), "quoted"\nname');
    expect(col(row, 'items')).toBe('2 x Widget, large (W-L)');
    expect(col(rows[2]!, 'created_at')).toBe('2026-03-31 23:30:00');
  });

  it('exports refunds with their tax part, payments, and tax events (sales positive, refunds negative)', async () => {
    const s = await shop('UTC');
    const from = utcDay();
    const order = await f.order({
      tenantId: s.tenant.id,
      customerId: s.customer.id,
      status: 'PAID',
      paymentStatus: 'paid',
      paidAt: new Date(),
      taxAmountCents: 160,
      totalCents: 2160,
      lines: [{ productId: s.product.id, sku: 'W-L', name: 'Widget, large', quantity: 2, unitPriceCents: 1000 }],
    });
    const refund = await request(t.app)
      .post(`/api/orders/${order.id}/refunds`)
      .set(s.auth)
      .send({ items: [{ productId: s.product.id, quantity: 1 }] })
      .expect(201);
    const to = utcDay();

    const refunds = parseCsv((await get(s.auth, `/api/exports/refunds?from=${from}&to=${to}`).expect(200)).body);
    expect(refunds).toHaveLength(2);
    const rh = refunds[0]!;
    const r = refunds[1]!;
    expect(r[rh.indexOf('refund_id')]).toBe(refund.body.refund.id);
    expect([r[rh.indexOf('amount')], r[rh.indexOf('items')], r[rh.indexOf('sales_tax')], r[rh.indexOf('returned_by')]]).toEqual([
      '10.80',
      '10.00',
      '0.80',
      'VENMO_P2P',
    ]);

    const payments = parseCsv((await get(s.auth, `/api/exports/payments?from=${from}&to=${to}`).expect(200)).body);
    expect(
      payments
        .slice(1)
        .map((p) => [
          p[payments[0]!.indexOf('payment_id')],
          p[payments[0]!.indexOf('amount')],
          p[payments[0]!.indexOf('refunded')],
          p[payments[0]!.indexOf('status')],
        ]),
    ).toEqual([[order.payment.id, '21.60', '10.80', 'partially_refunded']]);

    const tax = parseCsv((await get(s.auth, `/api/exports/tax?from=${from}&to=${to}`).expect(200)).body);
    const th = tax[0]!;
    expect(
      tax
        .slice(1)
        .map((x) => [
          x[th.indexOf('type')],
          x[th.indexOf('transaction_id')],
          x[th.indexOf('amount_excluding_tax')],
          x[th.indexOf('sales_tax')],
          x[th.indexOf('ship_to_state')],
        ]),
    ).toEqual([
      ['sale', order.id, '20.00', '1.60', 'IL'],
      ['refund', refund.body.refund.id, '-10.00', '-0.80', 'IL'],
    ]);
  });

  it('a part payment returned when an unpaid order is cancelled is in the refunds export, not in the tax export (there was no sale)', async () => {
    const s = await shop('UTC');
    const from = utcDay();
    const order = await f.order({
      tenantId: s.tenant.id,
      customerId: s.customer.id,
      taxAmountCents: 100,
      totalCents: 1600,
      lines: [{ productId: s.product.id, quantity: 1, unitPriceCents: 1500 }],
    });
    const ctx = adminCtx(s.tenant.id);
    await t.services.payments.recordReceipt(ctx, { orderId: order.id }, { amountCents: 800, note: 'venmo' });
    await t.services.orderAdmin.cancel(ctx, order.id, { note: 'customer asked' });
    const to = utcDay();
    const refunds = parseCsv((await get(s.auth, `/api/exports/refunds?from=${from}&to=${to}`).expect(200)).body);
    expect(refunds.slice(1).map((r) => [r[refunds[0]!.indexOf('order_number')], r[refunds[0]!.indexOf('amount')]])).toEqual([
      [String(order.number), '8.00'],
    ]);
    // Before: a "refund" line of -8.00 with no sale, lowering the period's sales by money that was never a sale.
    const tax = parseCsv((await get(s.auth, `/api/exports/tax?from=${from}&to=${to}`).expect(200)).body);
    expect(tax.slice(1)).toEqual([]);
  });

  it("one shop's open exports do not refuse another shop's (one slot a shop; the process's cap still holds)", async () => {
    const [a, b, c, d] = [await shop('UTC'), await shop('UTC'), await shop('UTC'), await shop('UTC')];
    const range = { kind: 'orders', from: '2026-01-01', to: '2026-01-31' };
    // Shop A holds an export open (a slow reader): before, its three open exports refused every other shop.
    const held = await t.services.exports.open(a.tenant.id, range);
    const again = await get(a.auth, '/api/exports/orders?from=2026-01-01&to=2026-01-31').expect(429);
    expect(JSON.parse(again.body).error.message).toMatch(/This shop's other export is still being downloaded/);
    await get(b.auth, '/api/exports/orders?from=2026-01-01&to=2026-01-31').expect(200);
    // The process's cap (3) holds across shops: with A, B and C each holding one, D waits.
    const more = [await t.services.exports.open(b.tenant.id, range), await t.services.exports.open(c.tenant.id, range)];
    const full = await get(d.auth, '/api/exports/orders?from=2026-01-01&to=2026-01-31').expect(429);
    expect(JSON.parse(full.body).error.message).toMatch(/Other exports are running/);
    for (const e of [held, ...more]) await e.close();
    await get(a.auth, '/api/exports/orders?from=2026-01-01&to=2026-01-31').expect(200);
    await get(d.auth, '/api/exports/orders?from=2026-01-01&to=2026-01-31').expect(200);
  });

  it("a shop's one export slot holds across instances: a second instance refuses it, and frees it when the first ends", async () => {
    const [a, b] = [await shop('UTC'), await shop('UTC')];
    const other = await createTestApp(); // a second instance on the same database
    const held = await t.services.exports.open(a.tenant.id, { kind: 'orders', from: '2026-01-01', to: '2026-01-31' });
    try {
      const path = '/api/exports/orders?from=2026-01-01&to=2026-01-31';
      const refused = await request(other.app).get(path).set(a.auth).expect(429);
      expect(refused.body.error.message).toMatch(/This shop's other export is still being downloaded/);
      await request(other.app).get(path).set(b.auth).expect(200);
      await held.close();
      await request(other.app).get(path).set(a.auth).expect(200);
    } finally {
      await held.close();
      await other.services.close();
    }
  });

  it("reads only the key's shop", async () => {
    const mine = await shop('UTC');
    const theirs = await shop('UTC');
    const from = utcDay();
    const o = await f.order({ tenantId: theirs.tenant.id, customerId: theirs.customer.id });
    const res = await get(mine.auth, `/api/exports/orders?from=${from}&to=${utcDay()}`).expect(200);
    expect(res.body).not.toContain(o.id);
    expect(parseCsv(res.body)).toHaveLength(1); // the header only
  });

  it('answers bad requests with JSON errors before any CSV', async () => {
    const s = await shop('UTC');
    const bad = async (path: string, status: number) => {
      const res = await request(t.app).get(path).set(s.auth).expect(status);
      expect(res.headers['content-type']).toMatch(/json/);
      return res.body.error;
    };
    expect((await bad('/api/exports/customers?from=2026-01-01&to=2026-01-31', 400)).message).toMatch(/orders, payments, refunds, tax/);
    expect((await bad('/api/exports/orders?from=2026-02-30&to=2026-03-01', 400)).details.fields).toEqual([
      { path: 'from', message: 'a date, YYYY-MM-DD' },
    ]);
    expect((await bad('/api/exports/orders?from=2026-03-02&to=2026-03-01', 400)).message).toMatch(/after it ends/);
    expect((await bad('/api/exports/orders?to=2026-03-01', 400)).code).toBe('VALIDATION_FAILED');
    await request(t.app).get('/api/exports/orders?from=2026-01-01&to=2026-01-31').expect(401);
  });

  it('names the parameter a refusal is about (found by the REST fuzz: the kind and the range named neither parameter)', async () => {
    const s = await shop('UTC');
    const kind = await request(t.app).get('/api/v1/exports/0?from=2026-06-30&to=2026-06-30').set(s.auth).expect(400);
    expect(kind.body.error.message).toBe('Unknown export kind "0": use one of orders, payments, refunds, tax.');
    const range = await request(t.app).get('/api/v1/exports/tax?from=2026-06-30&to=2026-01-01').set(s.auth).expect(400);
    expect(range.body.error.message).toBe('The range starts (from 2026-06-30) after it ends (to 2026-01-01).');
  });
});

describe('csvCell', () => {
  it('quotes per RFC 4180 and defuses formulas, leaving numbers alone', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvCell(' padded')).toBe('" padded"');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+cmd')).toBe("'+cmd");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('=A1,B1')).toBe('"\'=A1,B1"');
    // Behind blanks a spreadsheet may trim on import, and in the full-width forms Excel also reads as formulas.
    expect(csvCell(' =1+1')).toBe("' =1+1");
    expect(csvCell('\n=1+1')).toBe('"\'\n=1+1"');
    expect(csvCell('\u00a0@SUM(A1)')).toBe("'\u00a0@SUM(A1)");
    expect(csvCell('＝1+1')).toBe("'＝1+1");
    expect(csvCell('1 = 1')).toBe('1 = 1');
    expect(csvCell('-1.49')).toBe('-1.49');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
  });
});
