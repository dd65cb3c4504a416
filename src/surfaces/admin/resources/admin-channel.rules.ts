// Shop settings' admin channel (modules/tenants/admin-channel.ts: a text channel of one of the shop's own Discord
// servers), at a save that sets it. Two steps, so no row lock is held across a call to Discord:
// - before the save (`checkAdminChannel`, in the form's validation): the channel is looked up among the linked
//   servers' channels (discord-directory.ts, the list the form's picker shows); one no linked server lists, or a
//   shop with no server, or Discord not answering refuses the save under the field: an unchecked channel is not
//   saved (the shop keeps its channel, or none, and the admin tries again);
// - in the save's transaction (`adminChannelKept`, a `keeps` rule): the server Discord named is linked to the
//   shop still, read with the shop's row locked, on the row as the save leaves it.
// A save that leaves the channel as it was is not checked (a colleague's channel, or one saved before the rule):
// the post-time guard (adapters/discord/notifications/admin-channel-guard.ts) keeps such a channel unposted-to.
import { ValidationError, type ActionContext, type ActionRequest } from 'adminjs';
import type { Tx } from '../../../platform/db/prisma.js';
import {
  ADMIN_CHANNEL_NO_SERVER,
  ADMIN_CHANNEL_NOT_THE_SHOPS,
  ADMIN_CHANNEL_UNCHECKED,
  adminChannelRefusal,
  type DiscordChannelFacts,
} from '../../../modules/tenants/admin-channel.js';
import type { DiscordDirectory } from './discord-directory.js';
import { keepTyped } from './validation.js';
import type { Change } from './shop-currency.rules.js';

/** What Discord said of the channel a save sets, for that save's transaction (its action context's). */
const checked = new WeakMap<object, DiscordChannelFacts>();

const refuse = (message: string) => new ValidationError({ adminChannelId: { message } }, { message });

/**
 * The form's step: `channelId` (validated, null: none) as the save of `context` sets it. A changed channel is asked
 * of Discord; a refusal comes back with the form as typed.
 */
export async function checkAdminChannel(
  directory: Pick<DiscordDirectory, 'findChannel'>,
  channelId: string | null | undefined,
  request: ActionRequest,
  context: ActionContext,
): Promise<void> {
  if (!channelId || channelId === context.record?.params.adminChannelId) return;
  const tenantId = context.record?.id() ?? null;
  const found = await directory.findChannel(tenantId, channelId);
  const refusal =
    found === 'no-server'
      ? ADMIN_CHANNEL_NO_SERVER
      : found === 'unknown'
        ? ADMIN_CHANNEL_UNCHECKED
        : found === 'none'
          ? ADMIN_CHANNEL_NOT_THE_SHOPS
          : ((await adminChannelRefusal(tenantId, found, () => Promise.resolve(tenantId)))?.message ?? null);
  if (refusal) {
    keepTyped(context.record, request.payload);
    throw refuse(refusal);
  }
  checked.set(context, found as DiscordChannelFacts);
}

/** The `keeps` step: a channel the save changed is one Discord placed in a server still linked to this shop. */
export async function adminChannelKept(tx: Tx, { before, after }: Change, context: unknown): Promise<void> {
  const channelId = after?.adminChannelId;
  if (typeof channelId !== 'string' || channelId === before?.adminChannelId) return;
  const facts = context && typeof context === 'object' ? checked.get(context) : undefined;
  if (!facts || facts.id !== channelId) throw refuse(ADMIN_CHANNEL_UNCHECKED);
  const refusal = await adminChannelRefusal(
    String(after!.id),
    facts,
    async (guildId) => (await tx.guild.findUnique({ where: { id: guildId }, select: { tenantId: true } }))?.tenantId ?? null,
  );
  if (refusal) throw refuse(refusal.message);
}
