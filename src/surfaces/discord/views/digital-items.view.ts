// What an order delivered (licence keys, download links), as embed fields: in the receipt DM (keys in
// force only) and in /orders detail (revoked keys kept, marked). Only ever shown to the order's own
// customer (a DM, or an ephemeral reply after the ownership check), so keys are shown in full.
import type { DigitalGoods } from '../../../modules/entitlements/digital-goods.js';

export type DeliveredDigital = Awaited<ReturnType<DigitalGoods['forOrder']>>;

const FIELD_MAX = 1024;
const MAX_FIELDS = 3; // with the rest of a receipt, well under an embed's 6000 characters

function line(i: DeliveredDigital[number]): string {
  if (i.code) return `**${i.productName}**: \`${i.code.replace(/`/g, "'")}\`${i.revoked ? ' — revoked (refunded)' : ''}`;
  return `**${i.productName}**: ${i.downloadUrl ?? '(no link set: ask the shop)'}`;
}

/** Fields titled `name` holding one line per item, split at Discord's 1024-character field limit. */
export function digitalItemFields(
  items: DeliveredDigital,
  opts: { name: string; includeRevoked: boolean },
): { name: string; value: string; inline: false }[] {
  const lines = items.filter((i) => opts.includeRevoked || !i.revoked).map(line);
  if (lines.length === 0) return [];
  const values: string[] = [];
  let current = '';
  for (const l of lines) {
    const clipped = l.length > FIELD_MAX ? `${l.slice(0, FIELD_MAX - 1)}…` : l;
    if (current && current.length + 1 + clipped.length > FIELD_MAX) {
      values.push(current);
      current = clipped;
    } else current = current ? `${current}\n${clipped}` : clipped;
  }
  if (current) values.push(current);
  const shown = values.slice(0, MAX_FIELDS);
  if (values.length > MAX_FIELDS) shown.push('More items than fit here: `/orders` shows them all.');
  return shown.map((value, i) => ({ name: i === 0 ? opts.name : `${opts.name} (continued)`, value, inline: false as const }));
}
