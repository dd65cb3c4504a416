// The webhook endpoint's edit form saves only what the admin changed (docs/decisions/admin-forms.md, "Stale
// forms"; platform/form-edits.ts): a form opened before a colleague disabled the endpoint, saved with a new
// description, keeps the endpoint disabled; a field both changed is refused, saying what; a save without the
// endpoint as the form loaded it is refused as out of date. Every column is read back each time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORM_OUT_OF_DATE } from '../../src/platform/form-edits.js';
import { adminCtx } from '../helpers/actors.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { loadedRow, loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';
import { expectOnly, type Row } from '../helpers/expect-only.js';

const f = factories();
const db = () => testDb();
let app: RunningAdmin;
let admin: AdminAgent;
let tenantId = '';

beforeAll(async () => {
  app = await startAdminApp();
  tenantId = (await f.tenant()).id;
  admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
}, 120_000);
afterAll(async () => {
  await app?.close();
});

/** An endpoint made as the panel makes it: https://erp.example.com/hook, order.paid, no description, enabled. */
async function endpoint(): Promise<string> {
  const { endpoint: e } = await app.services.webhooks.create(adminCtx(tenantId), {
    url: 'https://erp.example.com/hook',
    events: ['order.paid'],
  });
  return e.id;
}
const read = (id: string) => db().webhookEndpoint.findUniqueOrThrow({ where: { id } }) as Promise<Row>;

/** The edit form as the panel posts it: its four fields (here as loaded, then `typed`), with the loaded row unless told. */
async function saveForm(id: string, typed: Record<string, string | string[]>, opts: { loaded?: string | null } = {}) {
  const fields: Record<string, string | string[]> = {
    url: 'https://erp.example.com/hook',
    events: ['order.paid'],
    description: '',
    enabled: 'true',
    ...typed,
  };
  let req = admin.agent.post(`/admin/api/resources/WebhookEndpoint/records/${id}/edit`).set(admin.headers());
  for (const [k, v] of Object.entries(fields)) {
    if (Array.isArray(v)) v.forEach((one, i) => (req = req.field(`${k}.${i}`, one)));
    else req = req.field(k, v);
  }
  if (opts.loaded !== null)
    req = req.field('shownValuesJson', opts.loaded ?? (await loadedRow(admin, 'WebhookEndpoint', id)).shownValuesJson);
  return req;
}

describe('the webhook endpoint edit form', () => {
  it('opened before a colleague disabled the endpoint, saves the description and keeps it disabled', async () => {
    const id = await endpoint();
    const { shownValuesJson } = await loadedRow(admin, 'WebhookEndpoint', id);
    await app.services.webhooks.update(adminCtx(tenantId), id, { enabled: false });
    const before = await read(id);

    const res = await saveForm(id, { description: 'ERP' }, { loaded: shownValuesJson });
    expect(res.body.notice).toEqual({ type: 'success', message: 'Webhook endpoint saved. It is disabled: nothing is sent to it.' });
    expectOnly(before, await read(id), { description: 'ERP', enabled: false });
  });

  it('refuses a field the admin changed that someone else changed too, saying what, and writes nothing', async () => {
    const id = await endpoint();
    const { shownValuesJson } = await loadedRow(admin, 'WebhookEndpoint', id);
    await app.services.webhooks.update(adminCtx(tenantId), id, { url: 'https://erp.example.com/v2' });
    const before = await read(id);

    const res = await saveForm(id, { url: 'https://erp.example.com/v3', description: 'ERP' }, { loaded: shownValuesJson });
    expect(res.body.notice).toEqual({
      type: 'error',
      message:
        'Webhook endpoint https://erp.example.com/v2 changed since you opened it (url https://erp.example.com/hook -> https://erp.example.com/v2). Reload the page, make your change again and save.',
    });
    expect(res.body.record.errors).toEqual({
      url: { message: 'Changed since you opened the form (url https://erp.example.com/hook -> https://erp.example.com/v2).' },
    });
    // The form keeps what was typed.
    expect(res.body.record.params).toMatchObject({ url: 'https://erp.example.com/v3', description: 'ERP' });
    expectOnly(before, await read(id), {});
  });

  it('a field typed as someone else already set it is no conflict', async () => {
    const id = await endpoint();
    const { shownValuesJson } = await loadedRow(admin, 'WebhookEndpoint', id);
    await app.services.webhooks.update(adminCtx(tenantId), id, { events: ['order.paid', 'order.refunded'] });
    const before = await read(id);

    const res = await saveForm(id, { events: ['order.refunded', 'order.paid'], description: 'ERP' }, { loaded: shownValuesJson });
    expect(res.body.notice?.type).toBe('success');
    expectOnly(before, await read(id), { description: 'ERP' });
  });

  it('refuses a save without the endpoint as its form loaded it, and writes nothing', async () => {
    const id = await endpoint();
    const before = await read(id);
    const res = await saveForm(id, { description: 'ERP', enabled: 'false' }, { loaded: null });
    expect(res.body.notice).toEqual({ type: 'error', message: FORM_OUT_OF_DATE });
    expect(res.body.redirectUrl).toBeUndefined();
    expectOnly(before, await read(id), {});
    expect(await db().auditLog.count({ where: { entityId: id, action: 'webhook_endpoint.updated' } })).toBe(0);
  });

  it('saves every field changed on a form nobody else touched (audited), and an unchanged save writes nothing', async () => {
    const id = await endpoint();
    const before = await read(id);
    const res = await saveForm(id, {
      url: 'https://books.example.com/in',
      events: ['order.created', 'order.cancelled'],
      description: 'Books',
      enabled: 'false',
    });
    expect(res.body.notice).toEqual({ type: 'success', message: 'Webhook endpoint saved. It is disabled: nothing is sent to it.' });
    const saved = await read(id);
    expectOnly(before, saved, {
      url: 'https://books.example.com/in',
      events: ['order.cancelled', 'order.created'],
      description: 'Books',
      enabled: false,
    });
    const trail = await db().auditLog.findMany({ where: { entityId: id, action: 'webhook_endpoint.updated' } });
    expect(trail).toEqual([
      expect.objectContaining({
        before: { url: 'https://erp.example.com/hook', events: ['order.paid'], description: null, enabled: true },
        after: { url: 'https://books.example.com/in', events: ['order.cancelled', 'order.created'], description: 'Books', enabled: false },
      }),
    ]);

    const again = await saveForm(id, {
      url: 'https://books.example.com/in',
      events: ['order.cancelled', 'order.created'],
      description: 'Books',
      enabled: 'false',
    });
    expect(again.body.notice?.type).toBe('success');
    expect(await read(id)).toEqual(saved);
    expect(await db().auditLog.count({ where: { entityId: id, action: 'webhook_endpoint.updated' } })).toBe(1);
  });
});
