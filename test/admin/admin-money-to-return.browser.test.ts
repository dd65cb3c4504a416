// Money paid for a deleted order that BTCPay cannot send back, found in the panel: the customer opens a
// Bitcoin invoice, the admin cancels and deletes the order, BTCPay still takes the payment (its signed webhook
// flags it, deleted-order-money.ts). Before, only the admin channel's alert and the raw audit trail said so: the
// order page is gone. Now the dashboard shows "Money to return"; the admin opens it, presses "Returned by hand",
// confirms, and it leaves the dashboard, with the History naming the admin; a second mark is refused. Staff read
// it but may not mark it; another shop's admin never sees it. Skipped without Chromium unless CI=true.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markDeletedOrderMoneyReturned } from '../../src/modules/payments-processor/checkouts/deleted-order-money.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { waitFor } from '../helpers/wait-for.js';
import { loggedIn } from './admin-helpers.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';
import { openBtcPayInvoice, useProvidersApp } from '../http/invoice/square-btcpay-fixtures.js';

const db = testDb();
const f = factories();
const { env } = useProvidersApp();

async function panelOf(email: string) {
  const admin = await loggedIn(env.base, email);
  return {
    get: (path: string) => admin.agent.get(`/admin/api${path}`).set(admin.headers()),
    post: (path: string) => admin.agent.post(`/admin/api${path}`).set(admin.headers()),
  };
}

describe.skipIf(!runBrowserTests)('money to return for a deleted order, in the panel', () => {
  let browser: BrowserSession;
  beforeAll(async () => {
    browser = await openBrowser('admin-money-to-return');
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
  });

  it(
    'is on the dashboard until an admin marks it returned by hand; the History names the admin; other shops never see it',
    { timeout: 420_000 },
    async () => {
      browser.reportFailure('money-to-return');
      const { page } = browser;
      const { tenant, order, invoiceId } = await openBtcPayInvoice(env);
      const owner = await f.adminUser({ tenantId: tenant.id, email: `owner-${tenant.id}@money.test` });
      const staff = await f.adminUser({ tenantId: tenant.id, role: 'TENANT_STAFF' });
      const other = await f.shop();
      const otherAdmin = await f.adminUser({ tenantId: other.tenant.id });

      // The admin cancels the order (its invoice marked Invalid at BTCPay) and deletes it; BTCPay takes the money anyway.
      const panel = await panelOf(owner.email);
      await panel.get(`/resources/Order/records/${order.id}/cancelOrder`);
      await waitFor(
        'the invoice closed',
        async () => (await db.paymentCheckout.count({ where: { orderId: order.id, state: { in: ['CREATING', 'OPEN'] } } })) === 0,
      );
      expect((await panel.post(`/resources/Order/records/${order.id}/delete`)).body.notice.message).toMatch(/was deleted/);
      await env.btcpay.pay(invoiceId);
      await env.btcpay.idle();
      const kept = await waitFor('the payment flagged', () =>
        db.deletedOrderCheckout.findFirst({ where: { providerCheckoutId: invoiceId, lateMoneyAction: 'FLAGGED' } }),
      );

      // Staff see it (a customer asks them) but are not offered the mark, and cannot send it.
      const staffPanel = await panelOf(staff.email);
      const staffDashboard = (await staffPanel.get('/dashboard')).body as { moneyToReturn: { items: { id: string }[]; canMark: boolean } };
      expect(staffDashboard.moneyToReturn).toMatchObject({ items: [{ id: kept.id }], canMark: false });
      expect((await staffPanel.get(`/resources/DeletedOrderCheckout/records/${kept.id}/show`)).status).toBe(200);
      expect((await staffPanel.get(`/resources/DeletedOrderCheckout/records/${kept.id}/returnedByHand`)).body.notice?.type).not.toBe(
        'success',
      );
      expect((await db.deletedOrderCheckout.findUniqueOrThrow({ where: { id: kept.id } })).lateMoneyAction).toBe('FLAGGED');

      // Another shop: nothing on its dashboard, no record in its list, the page and the mark refused.
      const otherPanel = await panelOf(otherAdmin.email);
      expect((await otherPanel.get('/dashboard')).body.moneyToReturn.items).toEqual([]);
      expect((await otherPanel.get('/resources/DeletedOrderCheckout/actions/list')).body.records).toEqual([]);
      expect((await otherPanel.get(`/resources/DeletedOrderCheckout/records/${kept.id}/show`)).body.record.baseError.type).toBe(
        'NotFoundError',
      );
      await otherPanel.get(`/resources/DeletedOrderCheckout/records/${kept.id}/returnedByHand`);
      expect((await db.deletedOrderCheckout.findUniqueOrThrow({ where: { id: kept.id } })).lateMoneyAction).toBe('FLAGGED');

      // The owner signs in: the dashboard says what to do, and opens the payment's page.
      await browser.signIn(env.base, owner.email);
      const item = page.locator(`[data-testid="money-to-return-${kept.id}"]`);
      await item.waitFor();
      expect(await item.innerText()).toContain(`$42.50 paid through BTCPay Server (Bitcoin invoices) for deleted order #${order.number}`);
      expect(await item.innerText()).toContain(
        `ask the customer for a Bitcoin address and pay it from the store's wallet (BTCPay invoice ${invoiceId})`,
      );
      await browser.shot('money-to-return-1-dashboard');
      await page.locator(`[data-testid="money-to-return-open-${kept.id}"]`).click();
      await page.waitForURL(`${env.base}/admin/resources/DeletedOrderCheckout/records/${kept.id}/show`);
      await page.getByText('To return by hand', { exact: true }).first().waitFor();
      await page.getByText(`BTCPay invoice ${invoiceId}`).first().waitFor();
      // The provider by the name Settings -> Payments gives it, as written (not its code, nor AdminJS's re-cased badge).
      await page.getByText('BTCPay Server (Bitcoin invoices)', { exact: true }).first().waitFor();

      // "Returned by hand", confirmed: recorded with the admin as actor, shown in the History, off the dashboard.
      await page.locator('[data-testid="action-returnedByHand"]').first().click();
      await page.getByRole('button', { name: 'Confirm', exact: true }).click();
      await waitFor(
        'marked returned',
        async () => (await db.deletedOrderCheckout.findUniqueOrThrow({ where: { id: kept.id } })).lateMoneyAction === 'RETURNED_BY_HAND',
      );
      const entry = await db.auditLog.findFirstOrThrow({
        where: { tenantId: tenant.id, entityType: 'Order', entityId: order.id, action: 'payment.unapplied_returned_by_hand' },
      });
      expect(entry).toMatchObject({ actorType: 'PANEL_ADMIN', actorId: owner.id });
      await page.reload();
      await page.getByText('Returned by hand').first().waitFor();
      await page.locator('[data-testid="action-returnedByHand"]').waitFor({ state: 'detached' });
      expect(await page.locator('body').innerText()).toContain(owner.email);
      await browser.shot('money-to-return-2-returned');

      await page.goto(`${env.base}/admin`);
      await page.locator('[data-testid="dashboard"]').waitFor();
      expect(await page.locator('[data-testid="money-to-return"]').count()).toBe(0);

      // A second mark (a stale page, another admin) is refused and records nothing more.
      await panel.get(`/resources/DeletedOrderCheckout/records/${kept.id}/returnedByHand`);
      const ctx = { tenantId: tenant.id, actor: { type: 'PANEL_ADMIN' as const, id: owner.id, label: owner.email } };
      await expect(markDeletedOrderMoneyReturned(env.t.services, ctx, kept.id)).rejects.toMatchObject({ code: 'ILLEGAL_STATE' });
      expect(await db.auditLog.count({ where: { entityId: order.id, action: 'payment.unapplied_returned_by_hand' } })).toBe(1);
      expect(browser.trail.filter((t) => !t.startsWith('console:'))).toEqual([]);
    },
  );
});
