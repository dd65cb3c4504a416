// No panel form takes a file, yet formidable wrote every file part of a panel form to the temp directory and nothing
// removed it, saved or refused (panel-form-fields.ts): a signed-in session could fill the disk a megabyte at a time.
// Each is now deleted once the body is read and no handler sees one. Through the built app, signed in, with the CSRF
// header the panel's frontend sends; the temp directory is searched for the part's unique content afterwards.
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

const f = factories();
const db = testDb();
let app: RunningAdmin;
let admin: AdminAgent;
let tenantId: string;

beforeAll(async () => {
  app = await startAdminApp();
  tenantId = (await f.tenant({ adminRoleIds: [] })).id;
  admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
});
afterAll(async () => {
  await app?.close();
});

/** formidable 1.x's temp files (`upload_<hex>`) in the temp directory that hold `marker`. */
async function tempFilesHolding(marker: string): Promise<string[]> {
  const names = (await readdir(tmpdir())).filter((n) => n.startsWith('upload_'));
  const held: string[] = [];
  for (const name of names) {
    const text = await readFile(join(tmpdir(), name), 'utf8').catch(() => '');
    if (text.includes(marker)) held.push(name);
  }
  return held;
}

function productForm(marker: string, fields: [string, string][]) {
  let req = admin.agent.post('/admin/api/resources/Product/actions/new').set(admin.headers());
  for (const [k, v] of fields) req = req.field(k, v);
  return req.attach('picture', Buffer.from(`${marker}\n`.repeat(100)), 'picture.txt');
}

const PRODUCT: [string, string][] = [
  ['sku', 'MUG-1'],
  ['name', 'Mug'],
  ['price', '9.50'],
  ['currency', 'USD'],
  ['active', 'true'],
  ['trackStock', 'false'],
  ['stock', '0'],
  ['sortOrder', '0'],
];

it('a saved form with a file part saves its fields and leaves no temp file behind', async () => {
  const marker = randomUUID();
  const res = await productForm(marker, PRODUCT);
  expect(res.status, res.text).toBe(200);
  expect(await db.product.findMany({ where: { tenantId }, select: { sku: true, name: true, unitPriceCents: true } })).toEqual([
    { sku: 'MUG-1', name: 'Mug', unitPriceCents: 950 },
  ]);
  expect(await tempFilesHolding(marker)).toEqual([]);
});

it('a refused form (a field named twice) with a file part leaves no temp file behind either', async () => {
  const marker = randomUUID();
  const res = await productForm(marker, [...PRODUCT, ['name', 'Mug (second name)']]);
  expect(res.status, res.text).toBe(400);
  expect(await tempFilesHolding(marker)).toEqual([]);
});
