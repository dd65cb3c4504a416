// Helpers for the admin panel tests: the real app listening on a loopback port (so Origin checks see a
// stable origin), a signed-in supertest agent, the CSRF token the panel's script would send, and a paid order to
// refund.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { factories } from '../helpers/factories.js';

export const PASSWORD = 'correct horse battery staple';

export interface RunningAdmin extends TestApp {
  server: Server;
  baseUrl: string;
  close(): Promise<void>;
}

export async function startAdminApp(opts: Parameters<typeof createTestApp>[0] = {}): Promise<RunningAdmin> {
  const t = await createTestApp(opts);
  const server = await new Promise<Server>((resolve) => {
    const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    ...t,
    server,
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.services.close();
    },
  };
}

export function cookieValue(agent: request.Agent, baseUrl: string, name: string): string | undefined {
  const jar = (agent as unknown as { jar: { getCookie(name: string, access: unknown): { value: string } | undefined } }).jar;
  const url = new URL(`${baseUrl}/admin/`);
  return jar.getCookie(name, { domain: url.hostname, path: '/admin/', secure: false, script: false })?.value;
}

export interface AdminAgent {
  agent: request.Agent;
  csrf(): string;
  /** Headers the panel's frontend sends with every API call. */
  headers(): Record<string, string>;
}

/** GET the login page (session + CSRF cookie), then POST the form like a browser on this origin. */
export async function login(
  baseUrl: string,
  email: string,
  password = PASSWORD,
  extra: { ip?: string } = {},
): Promise<{ res: request.Response; admin: AdminAgent }> {
  const agent = request.agent(baseUrl);
  const page = await agent.get('/admin/login');
  if (page.status !== 200) throw new Error(`login page: ${page.status}`);
  const token = cookieValue(agent, baseUrl, 'ledgerline_admin_csrf') ?? '';
  let req = agent.post('/admin/login').type('form').set('Origin', baseUrl);
  if (extra.ip) req = req.set('X-Forwarded-For', extra.ip);
  const res = await req.send({ email, password, _csrf: token });
  const admin: AdminAgent = {
    agent,
    csrf: () => cookieValue(agent, baseUrl, 'ledgerline_admin_csrf') ?? '',
    headers: () => ({ Origin: baseUrl, 'X-CSRF-Token': admin.csrf() }),
  };
  return { res, admin };
}

export async function loggedIn(baseUrl: string, email: string, password = PASSWORD): Promise<AdminAgent> {
  const { res, admin } = await login(baseUrl, email, password);
  if (res.status !== 303) throw new Error(`login failed: ${res.status} ${res.text.slice(0, 300)}`);
  return admin;
}

/**
 * The record as its edit form loaded it (the hidden SHOWN_PARAM field), to post back with an edit as the panel's
 * form does: a save without it is refused as out of date (docs/decisions/admin-forms.md).
 */
export async function loadedRow(admin: AdminAgent, resource: string, id: string): Promise<{ shownValuesJson: string }> {
  const res = await admin.agent.get(`/admin/api/resources/${resource}/records/${id}/edit`).set(admin.headers());
  const shown = res.body?.record?.params?.shownValuesJson;
  if (typeof shown !== 'string')
    throw new Error(`no edit form for ${resource} ${id}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  return { shownValuesJson: shown };
}

/** A form posted as the panel posts it (multipart fields): an edit carries the record as its form loaded it (loadedRow). */
export async function postForm(who: AdminAgent, path: string, fields: Record<string, string>) {
  const edit = /^\/resources\/(\w+)\/records\/([^/]+)\/edit$/.exec(path);
  const loaded: Record<string, string> = edit ? await loadedRow(who, edit[1]!, edit[2]!) : {};
  let req = who.agent.post(`/admin/api${path}`).set(who.headers());
  for (const [k, v] of Object.entries({ ...fields, ...loaded })) req = req.field(k, v);
  return req;
}

/** A record's params as its show or edit page loads them. */
export async function shownParams(
  who: AdminAgent,
  resource: string,
  id: string,
  action: 'show' | 'edit',
): Promise<Record<string, unknown>> {
  const res = await who.agent.get(`/admin/api/resources/${resource}/records/${id}/${action}`).set(who.headers());
  return res.body.record.params as Record<string, unknown>;
}

/**
 * A record saved as its edit form saves it (AdminJS's use-record paramsToFormData): every param of the record as
 * the form loaded it, with `change` over them. A nested field's parts replace its empty value (the form posts one or
 * the other), as when an empty ship-from address is filled in.
 */
export async function saveAsTheForm(who: AdminAgent, resource: string, id: string, change: Record<string, string>) {
  const params = { ...(await shownParams(who, resource, id, 'edit')), ...change };
  for (const key of Object.keys(change)) {
    const parts = key.split('.');
    for (let i = 1; i < parts.length; i++) delete params[parts.slice(0, i).join('.')];
  }
  let req = who.agent.post(`/admin/api/resources/${resource}/records/${id}/edit`).set(who.headers());
  for (const [k, v] of Object.entries(params)) {
    const sent =
      v === null
        ? '__FORM_VALUE_NULL__'
        : Array.isArray(v)
          ? '__FORM_VALUE_EMPTY_ARRAY__'
          : typeof v === 'object'
            ? '__FORM_VALUE_EMPTY_OBJECT__'
            : String(v);
    req = req.field(k, sent);
  }
  return req;
}

/**
 * A paid order of `customerId` with two lines: 2 of `trackedName` ($20.00, tracks stock: 5 left, the order's 2
 * reserved and committed) and `otherQuantity` of `otherName` ($5.00). The second tracks no stock unless `otherStock`
 * is given: then it has that many left and the order's units are reserved and committed too.
 */
export async function paidTwoLineOrder(o: {
  tenantId: string;
  customerId: string;
  trackedName: string;
  otherName: string;
  otherQuantity: number;
  otherStock?: number;
}) {
  const f = factories();
  const { tenantId, customerId } = o;
  const tracked = await f.product({ tenantId, name: o.trackedName, unitPriceCents: 2000, trackStock: true, stock: 5 });
  const other = await f.product({
    tenantId,
    name: o.otherName,
    unitPriceCents: 500,
    ...(o.otherStock === undefined ? {} : { trackStock: true, stock: o.otherStock }),
  });
  const order = await f.order({
    tenantId,
    customerId,
    status: 'PAID',
    paymentStatus: 'paid',
    paidAt: new Date(),
    lines: [
      { productId: tracked.id, name: tracked.name, quantity: 2, unitPriceCents: 2000 },
      { productId: other.id, name: other.name, quantity: o.otherQuantity, unitPriceCents: 500 },
    ],
  });
  await f.reservation({ tenantId, orderId: order.id, productId: tracked.id, quantity: 2, state: 'COMMITTED' });
  if (o.otherStock !== undefined)
    await f.reservation({ tenantId, orderId: order.id, productId: other.id, quantity: o.otherQuantity, state: 'COMMITTED' });
  return { order, tracked, other };
}
