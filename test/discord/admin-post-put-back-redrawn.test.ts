// Two admins decide one order from its admin post, and the second press's answer is deferred (DISCORD_DEFER_AFTER_MS=0
// defers every answer, so nothing here depends on timing): admin A rejects; admin B's Approve, pressed on the post as
// it was, shows "Approving…", is refused (the order is cancelled), and the post is put back as B's press saw it:
// pending, with live buttons, over A's decision. The post is then drawn again from the order as it is now (a redraw
// job on the admin channel's lane, queued after the put-back), so it ends showing the rejection, not the old ask.
import { describe, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { adminCtx } from '../helpers/actors.js';
import { postedAdminMessage } from './admin-post.js';
import { APP_ID, componentInteraction, interact, member, useHarness } from './harness.js';

const h = useHarness({ worker: true, env: { DISCORD_DEFER_AFTER_MS: '0' } });
const f = factories();
const db = testDb();

type Posted = { embeds: { description?: string }[]; components: { type: number; components: { custom_id?: string }[] }[] };

describe("an admin's deferred Approve refused after another admin's decision", () => {
  it('puts the post back, then draws it again from the order as it is now', async () => {
    const s = await f.shop();
    const order = await f.order({
      tenantId: s.tenant.id,
      customerId: s.customer.id,
      guildId: s.guild.id,
      paymentMethod: 'VENMO_P2P',
      paymentStatus: 'pending',
    });
    const posted = await postedAdminMessage(h.t.services.bus, () => h.fake, s.tenant.id, order.id);
    const body = posted.now() as Posted;
    const post = { id: posted.messageId, channel_id: posted.channelId, embeds: body.embeds, components: body.components };
    const postPath = posted.path;

    // Admin A rejects (from the panel: the post is redrawn by the order.cancelled job).
    await h.t.services.payments.reject(adminCtx(s.tenant.id), { paymentId: order.payment.id, reason: 'No money arrived' });
    await h.fake.waitFor((c) => c.method === 'PATCH' && c.path === postPath);

    // Admin B presses Approve on the post as their Discord still showed it.
    const b = { guildId: s.guild.id, user: member({ roles: [s.tenant.adminRoleIds[0]!] }) };
    const click = componentInteraction(b, `payment:approve:${order.payment.id}`, { message: post });
    expect((await interact(h, click)).type).toBe(7);
    const original = `/webhooks/${APP_ID}/${click.token}/messages/@original`;
    const putBack = await h.fake.waitFor((c) => c.method === 'PATCH' && c.path === original);
    expect((putBack.body as Posted).embeds).toEqual(post.embeds);

    // Then the post is drawn again, after the put-back, from the cancelled order.
    const redraw = await h.fake.waitFor(
      (c) => c.method === 'PATCH' && c.path === postPath && h.fake.calls.indexOf(c) > h.fake.calls.indexOf(putBack),
    );
    const redrawn = JSON.stringify(redraw.body);
    expect(redrawn).not.toContain(`payment:approve:${order.payment.id}`);
    expect(redrawn).toMatch(/Rejected|Cancelled|cancelled/);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('CANCELLED');
  });
});
