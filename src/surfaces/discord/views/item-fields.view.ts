// An order's lines as embed fields: the one rule for every message that lists them (the review, the
// admin-channel post, the customer's DMs). Every line is shown whole and in the order given. When one
// field's 1,024 characters cannot hold them, they are split over "Items (1/3)", "Items (2/3)"... within the
// message's 25 fields per embed and 6,000 characters in all (shared/docs/discord.md). When even that is too
// little, the last field ends with "and N more items (…)", saying where the rest can be seen: a line is
// never cut in the middle, and no line is dropped without saying so. A caller leaves them at least
// leastItemFieldsChars; given less, that counting field is shortened to the room, or left out when none is left,
// since Discord refuses a message past 6,000 characters whole.
import type { APIEmbedField } from 'discord-api-types/v10';
import { formatMoney } from '../../../platform/money.js';
import { clip, embedChars, MESSAGE_EMBED_CHARS_MAX, type MessageData } from '../replies.js';

export const FIELD_VALUE_MAX = 1024;
export const FIELDS_MAX = 25;

export interface ItemLine {
  name: string;
  quantity: number;
  unitPriceCents: number;
  /** quantity × unit price when left out (order items do not store it). */
  lineTotalCents?: number;
}

/** What the item fields may use: fields in their embed, characters in the message. */
export interface ItemRoom {
  fields: number;
  chars: number;
}

/** One line as customers and admins read it: "• 2 × Pin @ $1.00 = $2.00". */
export function itemLineText(l: ItemLine, currency: string): string {
  const m = (c: number) => formatMoney(c, currency);
  const head = `• ${l.quantity} × `;
  const tail = ` @ ${m(l.unitPriceCents)} = ${m(l.lineTotalCents ?? l.quantity * l.unitPriceCents)}`;
  // Only a name too long for a field of its own is shortened: the quantity and the amounts always show.
  return `${head}${clip(l.name, FIELD_VALUE_MAX - head.length - tail.length)}${tail}`;
}

/** Whole lines, greedily, into values of at most 1,024 characters. */
function pack(lines: readonly string[]): string[] {
  const values: string[] = [];
  for (const line of lines) {
    const last = values.length - 1;
    if (last >= 0 && values[last]!.length + 1 + line.length <= FIELD_VALUE_MAX) values[last] += `\n${line}`;
    else values.push(line);
  }
  return values;
}

function named(values: readonly string[]): APIEmbedField[] {
  return values.map((value, i) => ({ name: values.length === 1 ? 'Items' : `Items (${i + 1}/${values.length})`, value }));
}

function fits(fields: readonly APIEmbedField[], room: ItemRoom): boolean {
  return fields.length <= room.fields && fields.reduce((n, f) => n + f.name.length + f.value.length, 0) <= room.chars;
}

function moreLine(hidden: number, shown: number, seeAll: string): string {
  const items = `${hidden} ${shown > 0 ? 'more ' : ''}item${hidden === 1 ? '' : 's'}`;
  return shown > 0 ? `and ${items} (${seeAll})` : `${items} (${seeAll})`;
}

/** The one field counting all `count` lines ("24 items (…)"): the least the item fields can be. */
function countingAll(count: number, seeAll: string): APIEmbedField[] {
  return named([clip(moreLine(count, 0, seeAll), FIELD_VALUE_MAX)]);
}

/**
 * The fewest characters the item fields of `count` lines take (the field counting them all): what a caller leaves
 * them when it fits its own text first (the review's note).
 */
export function leastItemFieldsChars(count: number, seeAll: string): number {
  if (count === 0) return 'Items'.length + 1;
  const [only] = countingAll(count, seeAll);
  return only!.name.length + only!.value.length;
}

/** The field counting all the lines, shortened to `room`; none when not even a shortened one fits there. */
function countingAllWithin(count: number, seeAll: string, room: ItemRoom): APIEmbedField[] {
  const [only] = countingAll(count, seeAll);
  const valueRoom = room.chars - only!.name.length;
  if (room.fields < 1 || valueRoom < 1) return [];
  return [{ ...only!, value: clip(only!.value, valueRoom) }];
}

/**
 * The item fields for `lines` (already written as text) within `room`; see the file comment. `seeAll` says
 * where every item can be seen, for the rare order too long for one message ("see order #12 in the admin panel").
 */
export function itemFields(lines: readonly string[], room: ItemRoom, seeAll: string): APIEmbedField[] {
  if (lines.length === 0) return [{ name: 'Items', value: '—' }];
  const all = named(pack(lines));
  if (fits(all, room)) return all;
  // As many leading lines as fit together with the line that counts the rest (fewer lines never need more room).
  let lo = 0;
  let hi = lines.length - 1;
  // When not even one line fits: the field counting them all, within the room (a message past Discord's 6,000
  // characters is refused whole, so no field is better than one too long).
  let best = countingAllWithin(lines.length, seeAll, room);
  while (lo <= hi) {
    const shown = Math.floor((lo + hi) / 2);
    const fields = named(pack([...lines.slice(0, shown), moreLine(lines.length - shown, shown, seeAll)]));
    if (fits(fields, room)) {
      best = fields;
      lo = shown + 1;
    } else hi = shown - 1;
  }
  return best;
}

/**
 * `message` with the item fields of `lines` put into its embed `embed`, before its field `at`. The room is
 * what the rest of the message leaves, less `reserve`: what the caller adds later (a decision line on the
 * admin post, a note in front of the review).
 */
export function withItemFields(
  message: MessageData,
  lines: readonly ItemLine[],
  currency: string,
  opts: { seeAll: string; embed?: number; at?: number; reserve?: Partial<ItemRoom> },
): MessageData {
  const embeds = message.embeds ?? [];
  const index = opts.embed ?? 0;
  const target = embeds[index];
  if (!target) throw new Error(`withItemFields: the message has no embed ${index}`);
  const others = target.fields ?? [];
  const room = {
    fields: FIELDS_MAX - others.length - (opts.reserve?.fields ?? 0),
    chars: MESSAGE_EMBED_CHARS_MAX - embedChars(embeds) - (opts.reserve?.chars ?? 0),
  };
  const items = itemFields(
    lines.map((l) => itemLineText(l, currency)),
    room,
    opts.seeAll,
  );
  const at = opts.at ?? 0;
  const fields = [...others.slice(0, at), ...items, ...others.slice(at)];
  return { ...message, embeds: embeds.map((e, i) => (i === index ? { ...e, fields } : e)) };
}
