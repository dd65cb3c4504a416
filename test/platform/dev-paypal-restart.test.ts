// `npm start` in development, restarted: the start command (src/main.ts) with its local fake PayPal, twice on one
// database. An owner's own shop adds its Webhook URL on the first fake's /developer page (the address the
// start-up banner names) and saves the Webhook ID it gives; after the restart the new fake, which keeps
// nothing, is given that webhook back at start, so the shop's invoice payment is confirmed by PayPal's signed
// webhooks (recorded as received for its connection), with the buyer never coming back to the shop.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { DEV_PAYPAL_APP } from '../../src/dev/fakes/fake-paypal.js';
import { adminCtx } from '../helpers/actors.js';
import { createTestApp } from '../helpers/app.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { devStarts, startDevMain, stopDevMain } from '../helpers/dev-start.js';
import { waitFor } from '../helpers/wait-for.js';
import { unpaidOrderLink } from '../http/invoice/invoice-fixtures.js';

const db = testDb();
const f = factories();
const INVOICE_LINK_SIGNING_SECRET = 'dev-restart-invoice-secret-0123456789';
const { children, apps } = devStarts();

/** src/main.ts in development on this file's database (test/helpers/dev-start.ts); `paypal`: its fake's address. */
async function startMain() {
  const started = await startDevMain({
    env: { INVOICE_LINK_SIGNING_SECRET },
    fake: /local fake PayPal at (http:\/\/[\d.:]+) .*\n(.*\n)?\n/,
    children,
  });
  return { ...started, paypal: started.fake };
}
const stopMain = stopDevMain;

describe.runIf(process.platform === 'linux')('npm start in development, restarted', { timeout: 240_000 }, () => {
  it("keeps an owner's shop paid by PayPal's webhook with the Webhook ID it saved on the fake's /developer page", async () => {
    const mine = await f.shop({ tenant: { enabledPaymentMethods: [] } });

    const first = await startMain();
    expect(first.banner).toContain(`${first.paypal}/developer`);
    // Settings -> Payments, as the owner does against this server's fake PayPal (the panel's services here).
    const t = await createTestApp({ env: { PAYPAL_API_BASE_URL: first.paypal, PUBLIC_BASE_URL: first.base, INVOICE_LINK_SIGNING_SECRET } });
    apps.push(t);
    const save = (webhookId?: string) =>
      t.services.paymentConnections.connect(adminCtx(mine.tenant.id), {
        provider: 'PAYPAL',
        environment: 'sandbox',
        config: { clientId: DEV_PAYPAL_APP.clientId, ...(webhookId ? { webhookId } : {}) },
        secrets: { clientSecret: DEV_PAYPAL_APP.clientSecret },
      });
    const connection = await save();
    // The URL the PayPal card shows, added on the fake's developer dashboard; its Webhook ID saved and tested.
    const added = await request(first.paypal)
      .post('/developer/webhooks')
      .type('form')
      .send({ clientId: DEV_PAYPAL_APP.clientId, url: `${first.base}/webhooks/paypal/${connection.id}` })
      .expect(303);
    const shown = await request(first.paypal).get(String(added.headers.location)).expect(200);
    const webhookId = /id="webhook-id">([^<]+)</.exec(shown.text)![1]!;
    await save(webhookId);
    const tested = await t.services.paymentConnections.test(adminCtx(mine.tenant.id), 'PAYPAL');
    expect(tested.ok, tested.message).toBe(true);
    await db.tenant.update({ where: { id: mine.tenant.id }, data: { enabledPaymentMethods: ['PAYPAL'] } });
    await stopMain(first.child);

    const second = await startMain();
    const developer = await request(second.paypal).get('/developer').expect(200);
    expect(developer.text).toContain(`<code>${webhookId}</code></td><td>http://127.0.0.1:`);

    // The buyer opens the invoice link, pays with PayPal, approves at PayPal and never comes back.
    const { order, path: invoicePath } = await unpaidOrderLink(t.services, mine, { method: 'PAYPAL', cents: 2400 });
    const pay = await request(second.base.replace('//localhost:', '//127.0.0.1:'))
      .post(`${invoicePath}/pay`)
      .type('form')
      .send({ method: 'PAYPAL' })
      .expect(303);
    const approval = new URL(String(pay.headers.location));
    expect(approval.origin).toBe(second.paypal);
    const token = approval.searchParams.get('token')!;
    await request(second.paypal).post('/checkoutnow/approve').type('form').send({ token, funding: 'balance' }).expect(302);

    await waitFor(
      'the order paid by webhook',
      async () => (await db.order.findUniqueOrThrow({ where: { id: order.id } })).status === 'PAID',
    );
    // Both of PayPal's events reached the shop's connection and passed its signature check (a bad one is a 401).
    // In either order: the capture PayPal makes while the approval's webhook is handled sends its own webhook,
    // which may be recorded before the approval's row commits (PayPal promises no order either).
    const received = await waitFor('the capture webhook recorded', async () => {
      const rows = await db.providerWebhookEvent.findMany({ where: { connectionId: connection.id }, orderBy: { receivedAt: 'asc' } });
      return rows.length >= 2 && rows;
    });
    expect(received.map((e) => e.type).sort()).toEqual(['CHECKOUT.ORDER.APPROVED', 'PAYMENT.CAPTURE.COMPLETED']);
    await stopMain(second.child);
  });
});
