// The customer's DMs about an unpaid order's pay-by deadline (the reminder at half the window, the notice of more
// time an admin gave) for a PayPal order while the server cannot make invoice links (no signing secret: set when the
// order was placed, removed since): neither carries a Pay now button, so neither may tell the customer to press one;
// each gives the shop's PayPal instructions instead. The reminder said "Press **Pay now**" with no button to press.
// Through a real graphile-worker and the fake Discord API: the reminder job brought forward (no sleeping), the
// extension made as the panel and the API make it.
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../helpers/actors.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { waitFor } from '../helpers/wait-for.js';
import { useHarness } from './harness.js';

const f = factories();
const db = testDb();
const h = useHarness({ worker: true, env: { INVOICE_LINK_SIGNING_SECRET: '' } });

interface DmBody {
  embeds?: { title?: string; description?: string }[];
  components?: unknown[];
}
/** The customer's DM whose embed title matches `title`, as the fake Discord received it (its buttons, if any). */
const dmTitled = (userId: string, title: RegExp): DmBody | undefined =>
  h.fake
    .directMessages()
    .filter((m) => m.userId === userId)
    .map((m) => m.body as DmBody)
    .find((body) => title.test(body.embeds?.[0]?.title ?? ''));

describe('deadline DMs of a PayPal order when no invoice link can be made', () => {
  it('the reminder and the notice of more time carry no Pay now and do not ask for it: they give the shop’s PayPal instructions', async () => {
    expect(h.t.services.invoices.linksAvailable()).toBe(false);
    const s = await f.shop();
    const order = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, paymentMethod: 'PAYPAL' });
    expect(await h.t.services.paymentWindows.schedule(s.tenant.id, order.id)).not.toBeNull();

    // Half the window gone: the reminder job brought forward to now.
    await db.$executeRaw`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE key = ${`payment-reminder:${order.id}>discord-notify`}`;
    const reminder = await waitFor('the reminder DM', () => dmTitled(s.customer.discordUserId, /is waiting for payment/));

    await h.t.services.paymentWindows.extend(adminCtx(s.tenant.id), order.id, { extendByMinutes: 24 * 60 });
    const moreTime = await waitFor('the DM of the new deadline', () => dmTitled(s.customer.discordUserId, /more time to pay/));

    for (const dm of [reminder, moreTime]) {
      expect(dm.components).toBeUndefined();
      expect(dm.embeds?.[0]?.description).not.toMatch(/Pay now/);
      expect(dm.embeds?.[0]?.description).toContain('Pay with PayPal: the shop will send you payment details.');
    }
  });
});
