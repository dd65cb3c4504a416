// The customer's next interaction after DMs failed (closed, or refused by Discord otherwise): the messages they missed (missed_notices) ride along
// on the bot's reply, once. Only replies only they can see carry them: a new ephemeral message (type 4
// with flag 64) or an update of an ephemeral message (type 7 on a message with flag 64). Anything else
// (a modal, a public message) leaves them for the next interaction. The notices are taken (marked shown)
// just before the reply is returned, so two interactions at once never both show one.
import {
  InteractionResponseType,
  MessageFlags,
  type APIEmbed,
  type APIInteraction,
  type APIInteractionResponse,
} from 'discord-api-types/v10';
import type { MissedNotice } from '../../generated/prisma/index.js';
import { dmsClosed, type MissedNotices } from '../../modules/notifications/missed-notices.js';
import { clip, COLORS, embed, embedChars, MESSAGE_EMBED_CHARS_MAX } from './replies.js';

/** Discord's limits for one message: 10 embeds, 6000 characters across them. */
const MAX_EMBEDS = 10;

const TITLES = { one: 'A message we could not send you', many: 'Messages we could not send you' };
const FOOTERS = {
  dmsClosed: 'Your DMs from this server are closed. Allow direct messages to get these as they happen.',
  notDelivered: 'Discord did not deliver these to you as direct messages.',
};
/** The most characters the notice's title and footer take. */
const NOTICE_FRAME_CHARS =
  Math.max(...Object.values(TITLES).map((t) => t.length)) + Math.max(...Object.values(FOOTERS).map((t) => t.length));

/** Whether only the acting user sees this reply. */
function isPrivate(
  interaction: APIInteraction,
  reply: APIInteractionResponse,
): reply is APIInteractionResponse & { data: { embeds?: APIEmbed[]; flags?: number } } {
  if (reply.type === InteractionResponseType.ChannelMessageWithSource) return ((reply.data?.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
  if (reply.type === InteractionResponseType.UpdateMessage) {
    const message = 'message' in interaction ? (interaction.message as { flags?: number } | undefined) : undefined;
    return ((message?.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
  }
  return false;
}

/**
 * One missed message as a paragraph: its title, its text, the fields the customer needs (tracking, the
 * reason, the licence keys and download links a receipt carries) and the links of its buttons.
 */
function paragraph(n: MissedNotice, max: number): string {
  const message = (n.message ?? {}) as { embeds?: APIEmbed[]; components?: { components?: { url?: string; label?: string }[] }[] };
  const first = message.embeds?.[0];
  const links = (message.components ?? [])
    .flatMap((r) => r.components ?? [])
    .filter((c) => c.url)
    .map((c) => `[${c.label ?? 'Open'}](${c.url})`);
  const when = `<t:${Math.floor(n.createdAt.getTime() / 1000)}:f>`;
  const text = [
    `**${first?.title ?? n.kind}** (${when})`,
    first?.description ?? '',
    ...(first?.fields ?? []).filter((f) => /tracking|reason|cancelled by|digital items/i.test(f.name)).map((f) => `${f.name}: ${f.value}`),
    links.join(' · '),
  ]
    .filter(Boolean)
    .join('\n');
  return clip(text, max);
}

/** The reply with the customer's missed messages in front (when it can carry them), marking them shown. */
export async function withMissedNotices(
  notices: Pick<MissedNotices, 'take'>,
  tenantId: string,
  interaction: APIInteraction,
  reply: APIInteractionResponse,
  pending: MissedNotice[],
): Promise<APIInteractionResponse> {
  if (!pending.length || !isPrivate(interaction, reply)) return reply;
  const existing = reply.data.embeds ?? [];
  // The notice's own title and footer count too: its paragraphs get what the reply and they leave.
  const room = MESSAGE_EMBED_CHARS_MAX - embedChars(existing) - NOTICE_FRAME_CHARS;
  if (existing.length >= MAX_EMBEDS || room < 300) return reply;
  const per = Math.min(Math.floor(Math.min(room, 4000) / pending.length) - 2, 1500);
  const taken = new Set(
    await notices.take(
      tenantId,
      pending.map((n) => n.id),
    ),
  );
  const shown = pending.filter((n) => taken.has(n.id));
  if (!shown.length) return reply;
  const notice = embed({
    title: shown.length === 1 ? TITLES.one : TITLES.many,
    color: COLORS.warn,
    description: shown.map((n) => paragraph(n, per)).join('\n\n'),
    // Only closed DMs are theirs to open (another refusal, such as the bot's missing access, is not).
    footer: { text: shown.some(dmsClosed) ? FOOTERS.dmsClosed : FOOTERS.notDelivered },
  });
  return { ...reply, data: { ...reply.data, embeds: [notice, ...existing] } } as APIInteractionResponse;
}
