// Settings -> Webhook endpoints and Webhook deliveries through the AdminJS API, as the panel's frontend
// calls it: a tenant admin creates an endpoint (the signing secret comes back once, is kept encrypted and
// never shown again; a URL the policy refuses creates nothing), edits and disables it, reads the delivery
// log (status code, attempt, duration, response excerpt) and redelivers; sees whether an endpoint is paused by
// its circuit breaker and resumes it. Staff and other shops cannot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { WEBHOOK_DELIVER_TASK } from '../../src/modules/webhooks/webhook-delivery.jobs.js';
import { TEST_SECRETS_KEYS } from '../helpers/app.js';
import { createSecretBox } from '../../src/platform/secret-box.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { loadedRow, loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
let admin: AdminAgent;
let staff: AdminAgent;
let otherAdmin: AdminAgent;
let tenantId: string;
const f = factories();
const db = testDb();

beforeAll(async () => {
  app = await startAdminApp();
  tenantId = (await f.tenant()).id;
  admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
  staff = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId, role: 'TENANT_STAFF' })).email);
  otherAdmin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: (await f.tenant()).id })).email);
});
afterAll(async () => {
  await app?.close();
});

const post = (who: AdminAgent, path: string) => who.agent.post(`/admin/api${path}`).set(who.headers());
const get = (who: AdminAgent, path: string) => who.agent.get(`/admin/api${path}`).set(who.headers());
const createEndpoint = (who: AdminAgent, data: Record<string, unknown>) =>
  post(who, '/resources/WebhookEndpoint/actions/createEndpoint').send(data);

/** An endpoint created through the panel, with one FAILED order.paid delivery to it. */
async function failedDelivery(url: string, delivery: { eventKey: string; attempts: number; lastStatusCode?: number }) {
  const { created } = (await createEndpoint(admin, { url, events: ['order.paid'] })).body as { created: { id: string } };
  const row = await db.webhookDelivery.create({
    data: { tenantId, endpointId: created.id, eventType: 'order.paid', body: '{"type":"order.paid"}', status: 'FAILED', ...delivery },
  });
  return { created, delivery: row };
}

describe('webhook endpoints in the admin panel', () => {
  it('a tenant admin creates an endpoint: the secret is returned once, stored encrypted, and signs deliveries', async () => {
    const res = await createEndpoint(admin, {
      url: 'http://localhost:9/hooks',
      events: ['order.paid', 'order.created', 'order.paid'],
      description: ' ERP ',
    });
    expect(res.body.notice).toMatchObject({ type: 'success' });
    const { created } = res.body as { created: { id: string; url: string; events: string[]; secret: string } };
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(created.events).toEqual(['order.created', 'order.paid']);
    const row = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: created.id } });
    expect(row).toMatchObject({ tenantId, url: 'http://localhost:9/hooks', description: 'ERP', enabled: true });
    expect(row.secret).not.toContain(created.secret.slice(6));
    expect(createSecretBox(TEST_SECRETS_KEYS).decrypt(row.secret)).toBe(created.secret);
    // The secret is a valid Standard Webhooks key.
    expect(() => new Webhook(created.secret)).not.toThrow();

    for (const body of [
      (await get(admin, '/resources/WebhookEndpoint/actions/list')).body,
      (await get(admin, `/resources/WebhookEndpoint/records/${created.id}/show`)).body,
    ]) {
      const text = JSON.stringify(body);
      expect(text).toContain(created.id);
      expect(text).not.toContain(created.secret);
      expect(text).not.toContain(row.secret);
    }
    const trail = await db.auditLog.findMany({ where: { tenantId, entityType: 'WebhookEndpoint', entityId: created.id } });
    expect(trail).toEqual([expect.objectContaining({ action: 'webhook_endpoint.created', actorType: 'PANEL_ADMIN' })]);
  });

  it('refuses a URL outside the policy or no events, with the reason, and creates nothing', async () => {
    const before = await db.webhookEndpoint.count({ where: { tenantId } });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ url: 'http://example.com/hook', events: ['order.paid'] }, /only for localhost/],
      [{ url: 'ftp://example.com/hook', events: ['order.paid'] }, /https/],
      [{ url: 'https://user:pw@example.com/hook', events: ['order.paid'] }, /password/],
      [{ url: 'not a url', events: ['order.paid'] }, /full URL/],
      [{ url: 'https://example.com/hook', events: [] }, /at least one event/],
      // No such event.
      [{ url: 'https://example.com/hook', events: ['order.returned'] }, /order\.created/],
    ];
    for (const [data, message] of cases) {
      const res = await createEndpoint(admin, data);
      expect(res.body.notice?.type, JSON.stringify(data)).toBe('error');
      expect(res.body.notice.message).toMatch(message);
      expect(res.body.created).toBeUndefined();
    }
    expect(await db.webhookEndpoint.count({ where: { tenantId } })).toBe(before);
  });

  it('edits the URL and events and disables the endpoint (audited with before and after)', async () => {
    const { created } = (await createEndpoint(admin, { url: 'https://example.com/a', events: ['order.paid'] })).body as {
      created: { id: string };
    };
    const res = await post(admin, `/resources/WebhookEndpoint/records/${created.id}/edit`).send({
      ...(await loadedRow(admin, 'WebhookEndpoint', created.id)),
      url: 'https://example.com/b',
      'events.0': 'order.refunded',
      'events.1': 'order.cancelled',
      enabled: 'false',
      description: '',
    });
    expect(res.body.notice).toMatchObject({ type: 'success' });
    expect(await db.webhookEndpoint.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({
      url: 'https://example.com/b',
      events: ['order.cancelled', 'order.refunded'],
      enabled: false,
      description: null,
    });
    const bad = await post(admin, `/resources/WebhookEndpoint/records/${created.id}/edit`).send({
      ...(await loadedRow(admin, 'WebhookEndpoint', created.id)),
      url: 'http://10.0.0.1/x',
    });
    expect(bad.body.notice).toMatchObject({ type: 'error', message: expect.stringContaining('only for localhost') });
    expect((await db.webhookEndpoint.findUniqueOrThrow({ where: { id: created.id } })).url).toBe('https://example.com/b');
    const trail = await db.auditLog.findMany({
      where: { tenantId, entityType: 'WebhookEndpoint', entityId: created.id, action: 'webhook_endpoint.updated' },
    });
    expect(trail).toEqual([
      expect.objectContaining({
        before: expect.objectContaining({ url: 'https://example.com/a', enabled: true }),
        after: expect.objectContaining({ url: 'https://example.com/b', enabled: false }),
      }),
    ]);
  });

  it('refuses an edit whose Enabled, URL or description it cannot read, under the field, and writes nothing (panel fuzz)', async () => {
    const { created } = (await createEndpoint(admin, { url: 'https://example.com/a', events: ['order.paid'] })).body as {
      created: { id: string };
    };
    const before = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: created.id } });
    // Each was dropped and the rest saved with "Webhook endpoint saved.": Enabled stayed on, the URL and the
    // description stayed as they were, while the admin's new URL was written.
    for (const [field, junk] of [
      ['enabled', { enabled: 'nope' }],
      ['url', { 'url.0': 'https://example.com/c', 'url.1': 'https://example.com/d' }],
      ['description', { 'description.0': 'ERP' }],
    ] as const) {
      const form: Record<string, string> = {
        ...(await loadedRow(admin, 'WebhookEndpoint', created.id)),
        url: 'https://example.com/b',
        'events.0': 'order.paid',
        ...junk,
      };
      if (field === 'url') delete form.url;
      const res = await post(admin, `/resources/WebhookEndpoint/records/${created.id}/edit`).send(form);
      expect(res.body.notice, field).toMatchObject({ type: 'error' });
      expect(Object.keys(res.body.record.errors ?? {}), field).toContain(field);
      expect(await db.webhookEndpoint.findUniqueOrThrow({ where: { id: created.id } }), field).toEqual(before);
    }
    const create = await createEndpoint(admin, { url: 'https://example.com/e', events: ['order.paid'], description: ['ERP', 'CRM'] });
    expect(create.body.notice).toMatchObject({ type: 'error', message: expect.stringContaining('description') });
    expect(await db.webhookEndpoint.count({ where: { tenantId, url: 'https://example.com/e' } })).toBe(0);
  });

  it('shows the delivery log with every attempt, and Redeliver queues the delivery again', async () => {
    const { delivery } = await failedDelivery('https://example.com/log', {
      eventKey: 'order.paid:pay_log',
      attempts: 2,
      lastStatusCode: 502,
    });
    await db.webhookAttempt.createMany({
      data: [
        { tenantId, deliveryId: delivery.id, attempt: 1, statusCode: null, durationMs: 10000, error: 'no answer within 10000 ms' },
        { tenantId, deliveryId: delivery.id, attempt: 2, statusCode: 502, durationMs: 37, responseExcerpt: 'Bad gateway from upstream' },
      ],
    });
    const list = await get(admin, '/resources/WebhookDelivery/actions/list');
    const listed = (list.body.records as { id: string; params: Record<string, unknown> }[]).find((r) => r.id === delivery.id);
    expect(listed?.params).toMatchObject({ eventType: 'order.paid', status: 'FAILED', attempts: 2, lastStatusCode: 502 });
    const show = await get(admin, `/resources/WebhookDelivery/records/${delivery.id}/show`);
    const log = String(show.body.record.params.attemptLog);
    expect(log.split('\n')).toHaveLength(2);
    expect(log).toMatch(/#1 .* no answer {2}10000 ms {2}no answer within 10000 ms/);
    expect(log).toMatch(/#2 .* 502 {2}37 ms {2}Bad gateway from upstream/);
    expect(show.body.record.recordActions.map((a: { name: string }) => a.name)).toContain('redeliver');

    const res = await post(admin, `/resources/WebhookDelivery/records/${delivery.id}/redeliver`);
    expect(res.body.notice).toMatchObject({ type: 'success' });
    expect((await db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).status).toBe('PENDING');
    const jobs = await db.$queryRaw<
      { key: string }[]
    >`SELECT j.key FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks k ON k.id = j.task_id WHERE k.identifier = ${WEBHOOK_DELIVER_TASK} AND j.payload->>'deliveryId' = ${delivery.id}`;
    expect(jobs).toEqual([{ key: `webhook:${delivery.id}` }]);
  });

  it('offers no Redeliver on the deliveries of a disabled endpoint (list and page), and refuses it sent anyway', async () => {
    const { created, delivery } = await failedDelivery('https://example.com/off', { eventKey: 'order.paid:pay_off', attempts: 1 });
    const actions = async () => {
      const list = await get(admin, '/resources/WebhookDelivery/actions/list?perPage=100');
      const listed = (list.body.records as { id: string; recordActions: { name: string }[] }[]).find((r) => r.id === delivery.id);
      const show = await get(admin, `/resources/WebhookDelivery/records/${delivery.id}/show`);
      return {
        list: listed?.recordActions.map((a) => a.name).includes('redeliver'),
        show: (show.body.record.recordActions as { name: string }[]).map((a) => a.name).includes('redeliver'),
      };
    };
    expect(await actions()).toEqual({ list: true, show: true });

    await db.webhookEndpoint.update({ where: { id: created.id }, data: { enabled: false } });
    expect(await actions()).toEqual({ list: false, show: false });
    const res = await post(admin, `/resources/WebhookDelivery/records/${delivery.id}/redeliver`);
    expect(res.body.notice?.type).toBe('error');
    expect(res.body.notice?.message).toMatch(/disabled/);
    expect((await db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).status).toBe('FAILED');
  });

  it('shows whether an endpoint is sent to, and "Resume sending" on a paused one sends its waiting deliveries now', async () => {
    const { created } = (await createEndpoint(admin, { url: 'https://example.com/paused', events: ['order.paid'] })).body as {
      created: { id: string };
    };
    const sending = async () => {
      const list = await get(admin, '/resources/WebhookEndpoint/actions/list');
      const row = (list.body.records as { id: string; params: Record<string, unknown> }[]).find((r) => r.id === created.id);
      const show = await get(admin, `/resources/WebhookEndpoint/records/${created.id}/show`);
      expect(show.body.record.params.sending).toBe(row?.params.sending);
      return { words: String(row?.params.sending), actions: (show.body.record.recordActions as { name: string }[]).map((a) => a.name) };
    };
    expect(await sending()).toMatchObject({ words: 'Yes' });
    expect((await sending()).actions).not.toContain('resumeSending');

    await db.webhookEndpoint.update({ where: { id: created.id }, data: { consecutiveFailures: 2 } });
    expect((await sending()).words).toBe('Yes (the last 2 attempts failed; paused after 3 in a row)');

    const until = new Date(Date.now() + 4 * 60_000);
    await db.webhookEndpoint.update({ where: { id: created.id }, data: { consecutiveFailures: 6, pausedUntil: until } });
    const paused = await sending();
    expect(paused.words).toBe(
      `Paused until ${until.toISOString().slice(0, 19).replace('T', ' ')} UTC: 6 attempts in a row failed. Attempts meanwhile are logged, not sent, and retried on their schedule.`,
    );
    expect(paused.actions).toContain('resumeSending');

    const delivery = await db.webhookDelivery.create({
      data: { tenantId, endpointId: created.id, eventType: 'order.paid', eventKey: 'order.paid:pay_wait', body: '{}', attempts: 5 },
    });
    await db.$executeRaw`SELECT graphile_worker.add_job(${WEBHOOK_DELIVER_TASK}, json_build_object('deliveryId', ${delivery.id}::text),
      job_key => ${`webhook:${delivery.id}`}, run_at => now() + interval '2 hours')`;
    const res = await post(admin, `/resources/WebhookEndpoint/records/${created.id}/resumeSending`);
    expect(res.body.notice).toEqual({ message: 'Sending resumed: its waiting delivery is sent now.', type: 'success' });
    expect(res.body.record.params.sending).toBe('Yes');
    expect(await sending()).toMatchObject({ words: 'Yes' });
    const [job] = await db.$queryRaw<
      { due: boolean }[]
    >`SELECT run_at <= now() AS due FROM graphile_worker.jobs WHERE key = ${`webhook:${delivery.id}`}`;
    expect(job).toEqual({ due: true });

    const disabled = await post(admin, `/resources/WebhookEndpoint/records/${created.id}/edit`).send({
      ...(await loadedRow(admin, 'WebhookEndpoint', created.id)),
      enabled: 'false',
    });
    expect(disabled.body.notice).toMatchObject({ type: 'success' });
    const refused = await post(admin, `/resources/WebhookEndpoint/records/${created.id}/resumeSending`);
    expect(refused.body.notice).toMatchObject({ type: 'error', message: expect.stringContaining('disabled. Enable it first') });
    expect((await sending()).words).toBe('No: disabled');
  });

  it('lists the event types an endpoint is not sent (new ones are never added by themselves), on the list and its page', async () => {
    // An endpoint made before order.shipped, order.delivered and order.deleted existed holds the four it had.
    const old = await db.webhookEndpoint.create({
      data: {
        tenantId,
        url: 'https://example.com/old',
        events: ['order.created', 'order.paid', 'order.refunded', 'order.cancelled'],
        secret: createSecretBox(TEST_SECRETS_KEYS).encrypt('whsec_x'),
      },
    });
    const { created: every } = (
      await createEndpoint(admin, {
        url: 'https://example.com/every',
        events: ['order.created', 'order.paid', 'order.refunded', 'order.cancelled', 'order.shipped', 'order.delivered', 'order.deleted'],
      })
    ).body as { created: { id: string } };
    const list = await get(admin, '/resources/WebhookEndpoint/actions/list');
    const notSent = (id: string) =>
      (list.body.records as { id: string; params: Record<string, unknown> }[]).find((r) => r.id === id)?.params.eventsNotSent;
    expect(notSent(old.id)).toBe('order.shipped, order.delivered, order.deleted');
    expect(notSent(every.id)).toBe('None');
    const page = async (id: string) =>
      (await get(admin, `/resources/WebhookEndpoint/records/${id}/show`)).body.record.params.eventsNotSent as string;
    expect(await page(old.id)).toBe(
      'order.shipped, order.delivered, order.deleted. Not sent to this endpoint: tick them in Edit once your receiver accepts them.',
    );
    expect(await page(every.id)).toBe('None: every order event is sent to it.');
    // Nothing was subscribed for the admin: the endpoint still holds its four events.
    expect((await db.webhookEndpoint.findUniqueOrThrow({ where: { id: old.id } })).events).toEqual([
      'order.created',
      'order.paid',
      'order.refunded',
      'order.cancelled',
    ]);
  });

  it('staff and other shops can neither see nor change endpoints and deliveries', async () => {
    const { created } = (await createEndpoint(admin, { url: 'https://example.com/guarded', events: ['order.paid'] })).body as {
      created: { id: string };
    };
    const delivery = await db.webhookDelivery.create({
      data: {
        tenantId,
        endpointId: created.id,
        eventType: 'order.paid',
        eventKey: 'order.paid:pay_guard',
        body: '{}',
        status: 'FAILED',
        attempts: 1,
      },
    });
    for (const who of [staff, otherAdmin]) {
      expect(JSON.stringify((await get(who, '/resources/WebhookEndpoint/actions/list')).body)).not.toContain(created.id);
      expect(JSON.stringify((await get(who, '/resources/WebhookDelivery/actions/list')).body)).not.toContain(delivery.id);
      expect(JSON.stringify((await get(who, `/resources/WebhookDelivery/records/${delivery.id}/show`)).body)).not.toContain('pay_guard');
      expect((await post(who, `/resources/WebhookDelivery/records/${delivery.id}/redeliver`)).body.notice?.type).not.toBe('success');
      expect(
        (await post(who, `/resources/WebhookEndpoint/records/${created.id}/edit`).send({ enabled: 'false' })).body.notice?.type,
      ).not.toBe('success');
      expect((await post(who, `/resources/WebhookEndpoint/records/${created.id}/delete`)).body.notice?.type).not.toBe('success');
      expect((await post(who, `/resources/WebhookEndpoint/records/${created.id}/resumeSending`)).body.notice?.type).not.toBe('success');
    }
    expect((await createEndpoint(staff, { url: 'https://example.com/x', events: ['order.paid'] })).body.created).toBeUndefined();
    expect(await db.webhookEndpoint.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ enabled: true });
    expect((await db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).status).toBe('FAILED');

    const del = await post(admin, `/resources/WebhookEndpoint/records/${created.id}/delete`);
    expect(del.body.notice).toMatchObject({ type: 'success' });
    expect(await db.webhookDelivery.count({ where: { id: delivery.id } })).toBe(0);
  });
});
