// Reading what the user sent: slash-command options, selected values, modal fields. Values are returned raw;
// each handler validates them with its own zod schema. The one thing refused here, for every handler at once:
// a NUL character (U+0000), which Discord passes through from a typed or pasted text but PostgreSQL cannot
// store in text (a refund's reason, a rejection's reason, an address line) nor compare with it (a product
// id): without this, it reached the database and the user got the generic "Something went wrong".
import {
  ApplicationCommandOptionType,
  ComponentType,
  type APIApplicationCommandInteractionDataOption,
  type APIInteraction,
} from 'discord-api-types/v10';
import { AppError } from '../../platform/errors.js';

type Option = APIApplicationCommandInteractionDataOption;

/** VALIDATION_FAILED naming where the NUL was, when `value` is a string holding one. */
function refuseNul(value: unknown, where: string): void {
  if (typeof value === 'string' && value.includes('\u0000'))
    throw new AppError('VALIDATION_FAILED', `${where} contains a NUL character (\\0), which cannot be saved. Remove it and try again.`);
}

/** Slash-command options as a flat record keyed by lower-case name (Discord only allows lower case). */
export function commandOptions(interaction: APIInteraction): Record<string, string | number | boolean> {
  const data = interaction.data as { options?: Option[] } | undefined;
  const out: Record<string, string | number | boolean> = {};
  for (const o of data?.options ?? []) {
    if (o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup) continue;
    if (!('value' in o) || o.value === undefined) continue;
    refuseNul(o.value, `The \`${o.name.slice(0, 32)}\` option`);
    out[o.name.toLowerCase()] = o.value;
  }
  return out;
}

/** The option the user is typing in an autocomplete interaction (type 4), or null. */
export function focusedOption(interaction: APIInteraction): { name: string; value: string } | null {
  const data = interaction.data as { options?: (Option & { focused?: boolean })[] } | undefined;
  const o = data?.options?.find((x) => x.focused);
  return o && 'value' in o ? { name: o.name.toLowerCase(), value: String(o.value ?? '') } : null;
}

/** The values picked in a select menu. */
export function selectedValues(interaction: APIInteraction): string[] {
  const data = interaction.data as { values?: unknown } | undefined;
  const values = Array.isArray(data?.values) ? data.values.filter((v): v is string => typeof v === 'string') : [];
  for (const v of values) refuseNul(v, 'The choice');
  return values;
}

interface ModalNode {
  type?: number;
  custom_id?: string;
  value?: unknown;
  component?: ModalNode;
  components?: ModalNode[];
}

/** Modal text inputs by custom id; accepts both action-row and label layouts. */
export function modalValues(interaction: APIInteraction): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (nodes: ModalNode[] | undefined) => {
    for (const n of nodes ?? []) {
      if (n.type === ComponentType.TextInput && n.custom_id && typeof n.value === 'string') {
        refuseNul(n.value, 'What you typed');
        out[n.custom_id] = n.value;
      }
      if (n.component) walk([n.component]);
      walk(n.components);
    }
  };
  walk((interaction.data as { components?: ModalNode[] } | undefined)?.components);
  return out;
}
