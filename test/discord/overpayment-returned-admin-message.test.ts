// The order's message in the shop's admin channel follows "Mark overpayment returned" (the panel's action,
// services.payments.returnOverpayment): while the customer's overpayment is owed back it says "overpaid by ...:
// return the difference"; once the shop marked it returned, the message is edited (payment.overpayment_returned >
// discord-admin-message, the refresh other admin actions use) to say it was returned and asks for nothing.
// Read back from the fake Discord API's stored message.
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../helpers/actors.js';
import { factories } from '../helpers/factories.js';
import { waitFor } from '../helpers/wait-for.js';
import { postedAdminMessage } from './admin-post.js';
import { useHarness } from './harness.js';

const f = factories();
const h = useHarness({ worker: true });

describe("the admin channel's order message after an overpayment is marked returned", () => {
  it('stops asking for the overpayment back and says it was returned', async () => {
    const s = await f.shop();
    const order = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, guildId: s.guild.id });
    const posted = await postedAdminMessage(h.t.services.bus, () => h.fake, s.tenant.id, order.id);
    const content = () => JSON.stringify(posted.now() ?? {});

    // $15.00 order, $25.00 received: $10.00 overpaid.
    await h.t.services.payments.recordReceipt(adminCtx(s.tenant.id), { orderId: order.id }, { amountCents: 2500 });
    await waitFor('the message to show the overpayment', () => (/overpaid by \$10\.00/.test(content()) ? true : null));

    await h.t.services.payments.returnOverpayment(adminCtx(s.tenant.id), order.id);
    await waitFor('the message to show the overpayment returned', () => (/overpayment of \$10\.00 returned/.test(content()) ? true : null));
    expect(content()).not.toMatch(/overpaid by/);
    expect(content()).toContain('$25.00 of $15.00 received');
  });
});
