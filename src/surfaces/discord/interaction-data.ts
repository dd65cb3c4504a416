// Reading what the user sent: slash-command options, selected values, modal fields. Values are returned raw;
// each handler validates them with its own zod schema. The one thing refused here, for every handler at once:
// text that cannot be stored (platform/storable-text.ts: a NUL, an unpaired surrogate), which reached the database
// (a refund's reason, a rejection's reason, an address line, a product id) and answered "Something went wrong".
import {
  ApplicationCommandOptionType,
  ComponentType,
  type APIApplicationCommandInteractionDataOption,
  type APIInteraction,
} from 'discord-api-types/v10';
import { AppError } from '../../platform/errors.js';
import { unstorableTextProblem } from '../../platform/storable-text.js';

type Option = APIApplicationCommandInteractionDataOption;

/** VALIDATION_FAILED naming where, when `value` is a string that cannot be stored (platform/storable-text.ts). */
function refuseUnstorable(value: unknown, where: string): void {
  if (typeof value !== 'string') return;
  const problem = unstorableTextProblem(value);
  if (problem) throw new AppError('VALIDATION_FAILED', `${where} ${problem}`);
}

/** Slash-command options as a flat record keyed by lower-case name (Discord only allows lower case). */
export function commandOptions(interaction: APIInteraction): Record<string, string | number | boolean> {
  const data = interaction.data as { options?: Option[] } | undefined;
  const out: Record<string, string | number | boolean> = {};
  for (const o of data?.options ?? []) {
    if (o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup) continue;
    if (!('value' in o) || o.value === undefined) continue;
    refuseUnstorable(o.value, `The \`${o.name.slice(0, 32)}\` option`);
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
  for (const v of values) refuseUnstorable(v, 'The choice');
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
        refuseUnstorable(n.value, 'What you typed');
        out[n.custom_id] = n.value;
      }
      if (n.component) walk([n.component]);
      walk(n.components);
    }
  };
  walk((interaction.data as { components?: ModalNode[] } | undefined)?.components);
  return out;
}

/** Discord's epoch (2015-01-01T00:00:00Z): a snowflake's top bits are milliseconds since it. */
const DISCORD_EPOCH_MS = 1_420_070_400_000n;

/**
 * The longest an interaction takes to reach us after Discord stamped it. Discord sends it at once and drops it unless
 * answered within 3 seconds, so an age beyond this on arrival is this instance's clock running ahead of Discord's,
 * not time that passed; kept above the 3 seconds for a slow hop.
 */
const MAX_DELIVERY_MS = 15_000;

/**
 * When the user sent the interaction, on the service's clock (`now`, read as it arrives): its id is a snowflake
 * stamped by Discord, and how long ago that was (real time) is taken from `now`, so a test's moved clock and the stamp
 * agree. That age compares Discord's clock with this instance's, so it is bounded by what delivery can take (no less
 * than nothing, no more than MAX_DELIVERY_MS): an instance whose clock is off from Discord's misjudges it by seconds
 * at most, not by its offset. A rule that compares it with a stored time puts it on the database's clock
 * (platform/db/database-now.ts onDatabaseClock). Undefined for an id that is not a snowflake.
 */
export function sentAtOf(interaction: APIInteraction, now: Date): Date | undefined {
  if (!/^\d{15,21}$/.test(interaction.id)) return undefined;
  const stamped = Number((BigInt(interaction.id) >> 22n) + DISCORD_EPOCH_MS);
  return new Date(now.getTime() - Math.min(MAX_DELIVERY_MS, Math.max(0, Date.now() - stamped)));
}
