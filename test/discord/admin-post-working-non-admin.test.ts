// A member who is not a shop admin presses Approve on the admin post, and the answer is deferred (DISCORD_DEFER_AFTER_MS=0
// defers every answer, so nothing here depends on timing). The post is shared by the shop's admins: it must not be put
// in its working state ("Approving… (<@member>)", every button disabled) by someone the admin gate then refuses, nor
// be written back afterwards (a put-back made from the message as it was when they pressed, which would undo a
// decision an admin made meanwhile). The member gets the refusal alone; the post is left as it is. An admin's press
// still shows the working state (test/discord/admin-post-deferred.test.ts).
import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../../src/surfaces/discord/dispatch.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { postedAdminMessage } from './admin-post.js';
import { APP_ID, componentInteraction, interact, member, textOf, useHarness } from './harness.js';

const h = useHarness({ worker: true, env: { DISCORD_DEFER_AFTER_MS: '0' } });
const f = factories();
const db = testDb();

type Posted = {
  embeds: { description?: string }[];
  components: { type: number; components: { custom_id?: string; disabled?: boolean }[] }[];
};

describe('Approve on the admin post pressed by a member who is not an admin, answered late', () => {
  it('leaves the post as it is and tells the member alone', async () => {
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
    // A member of the server who can see the admin channel, with no admin role and no admin permission.
    const someone = { guildId: s.guild.id, user: member({ roles: [] }) };

    const click = componentInteraction(someone, `payment:approve:${order.payment.id}`, { message: post });
    const res = await interact(h, click);
    // Not an update of the shared post: no "Approving… (<@member>)", no disabled buttons.
    expect(res.type).not.toBe(7);
    expect(textOf(res)).not.toContain('Approving');

    // The refusal reaches the member alone: at once, or as an ephemeral follow-up of a bare deferral.
    if (res.type !== 6) {
      expect(textOf(res)).toContain(MESSAGES.notAdmin);
    } else {
      const followUp = await h.fake.waitFor((c) => c.method === 'POST' && c.path === `/webhooks/${APP_ID}/${click.token}`);
      expect(JSON.stringify(followUp.body)).toContain(MESSAGES.notAdmin);
      expect((followUp.body as { flags: number }).flags & 64).toBe(64);
    }
    // Nothing wrote the post back (the refusal was delivered, so a put-back would have been sent before it).
    const original = `/webhooks/${APP_ID}/${click.token}/messages/@original`;
    expect(h.fake.calls.some((c) => c.method === 'PATCH' && c.path === original)).toBe(false);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
  });
});
