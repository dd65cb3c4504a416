// The order's post in the shop's admin channel, as a test follows it: posted by the order.created job (emitted here),
// its ids as the order records them, and its edits as the fake Discord API receives them.
import type { FakeDiscordApi, RecordedCall } from '../../src/dev/fake-discord-api.js';
import { EVENTS } from '../../src/modules/shared/events.js';
import type { EventBus } from '../../src/platform/jobs/queue.js';
import { testDb } from '../helpers/db.js';
import { waitFor } from '../helpers/wait-for.js';

export interface PostedAdminMessage {
  channelId: string;
  messageId: string;
  /** The message's path on Discord's API (`/channels/{channel}/messages/{message}`). */
  path: string;
  /** The message as Discord holds it now. */
  now(): Record<string, unknown> | undefined;
  /** The first edit of the message (a PATCH, recorded since the fake started) whose body passes `pred`. */
  edit(pred: (body: unknown) => boolean): Promise<RecordedCall>;
}

/** Emits order.created for the order and waits until its admin post is recorded on the order. */
export async function postedAdminMessage(
  bus: Pick<EventBus, 'emit'>,
  discord: () => FakeDiscordApi,
  tenantId: string,
  orderId: string,
): Promise<PostedAdminMessage> {
  const db = testDb();
  await bus.emit(db, EVENTS.orderCreated, { tenantId, orderId });
  const { channelId, messageId } = await waitFor('the admin post recorded', async () => {
    const o = await db.order.findUniqueOrThrow({ where: { id: orderId } });
    return o.adminMessageId && o.adminMessageChannelId ? { channelId: o.adminMessageChannelId, messageId: o.adminMessageId } : undefined;
  });
  const path = `/channels/${channelId}/messages/${messageId}`;
  return {
    channelId,
    messageId,
    path,
    now: () => discord().message(channelId, messageId),
    edit: (pred) => discord().waitFor((c) => c.method === 'PATCH' && c.path === path && pred(c.body)),
  };
}
