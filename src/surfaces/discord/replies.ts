// Interaction response builders and Discord's hard limits (docs: shared/docs/discord.md), so no handler
// produces a message Discord would refuse.
import {
  ButtonStyle,
  ComponentType,
  InteractionResponseType,
  MessageFlags,
  TextInputStyle,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type APIInteractionResponse,
  type APIInteractionResponseCallbackData,
  type APIModalInteractionResponseCallbackData,
  type APISelectMenuOption,
  type APITextInputComponent,
} from 'discord-api-types/v10';

export const COLORS = { brand: 0x5865f2, ok: 0x2ecc71, warn: 0xf1c40f, error: 0xe74c3c, muted: 0x95a5a6 } as const;

export type Row = APIActionRowComponent<APIComponentInMessageActionRow>;
export type MessageData = Pick<APIInteractionResponseCallbackData, 'content' | 'embeds' | 'components'>;

export const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** Discord refuses a message whose embeds hold more than this many characters together. */
export const MESSAGE_EMBED_CHARS_MAX = 6000;

/** The characters Discord counts toward a message's 6,000: titles, descriptions, field names and values, footers, authors. */
export function embedChars(embeds: readonly APIEmbed[]): number {
  return embeds.reduce(
    (n, e) =>
      n +
      (e.title?.length ?? 0) +
      (e.description?.length ?? 0) +
      (e.footer?.text?.length ?? 0) +
      (e.author?.name?.length ?? 0) +
      (e.fields ?? []).reduce((k, f) => k + f.name.length + f.value.length, 0),
    0,
  );
}

/** A new ephemeral message (type 4, flag 64): only the person who acted sees it. */
export function ephemeral(data: MessageData): APIInteractionResponse {
  return {
    type: InteractionResponseType.ChannelMessageWithSource,
    data: { ...data, flags: MessageFlags.Ephemeral, allowed_mentions: { parse: [] } },
  };
}

/** Replaces the message the component is on (type 7): the flow's steps morph one ephemeral message. */
export function update(data: MessageData): APIInteractionResponse {
  return {
    type: InteractionResponseType.UpdateMessage,
    data: { components: [], embeds: [], content: '', ...data, allowed_mentions: { parse: [] } },
  };
}

export function notice(text: string, color: number = COLORS.error): APIInteractionResponse {
  return ephemeral({ embeds: [{ description: clip(text, 4096), color }] });
}

export function embed(e: APIEmbed): APIEmbed {
  return {
    ...e,
    title: e.title ? clip(e.title, 256) : undefined,
    description: e.description ? clip(e.description, 4096) : undefined,
    fields: e.fields?.slice(0, 25).map((f) => ({ ...f, name: clip(f.name, 256), value: clip(f.value || '—', 1024) })),
  };
}

type ActionButtonStyle = ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger;

export function button(
  customId: string,
  label: string,
  style: ActionButtonStyle = ButtonStyle.Secondary,
  disabled = false,
): APIButtonComponent {
  return { type: ComponentType.Button, custom_id: customId, label: clip(label, 80), style, disabled };
}

export function row(...components: APIComponentInMessageActionRow[]): Row {
  return { type: ComponentType.ActionRow, components };
}

/** A string select; Discord allows at most 25 options (callers paginate, never drop silently). */
export function select(customId: string, placeholder: string, options: APISelectMenuOption[]): Row {
  if (options.length > 25) throw new Error('a select menu takes at most 25 options');
  return row({
    type: ComponentType.StringSelect,
    custom_id: customId,
    placeholder: clip(placeholder, 150),
    options: options.map((o) => ({ ...o, label: clip(o.label, 100), description: o.description ? clip(o.description, 100) : undefined })),
    min_values: 1,
    max_values: 1,
  });
}

export interface TextField {
  id: string;
  label: string;
  required?: boolean;
  value?: string;
  placeholder?: string;
  maxLength?: number;
  minLength?: number;
  style?: TextInputStyle;
}

/** A modal (type 9): at most 5 text inputs; it must be the first response to the interaction. */
/** Discord's limit on a modal text input's label (docs/discord.md). */
export const MODAL_LABEL_MAX = 45;

export function modal(customId: string, title: string, fields: TextField[]): APIInteractionResponse {
  if (fields.length < 1 || fields.length > 5) throw new Error('a modal takes 1-5 text inputs');
  const data: APIModalInteractionResponseCallbackData = {
    custom_id: customId,
    title: clip(title, 45),
    components: fields.map((f) => ({
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.TextInput,
          custom_id: f.id,
          label: clip(f.label, MODAL_LABEL_MAX),
          style: f.style ?? TextInputStyle.Short,
          required: f.required ?? true,
          value: f.value,
          placeholder: f.placeholder,
          max_length: f.maxLength,
          min_length: f.minLength,
        } satisfies APITextInputComponent,
      ],
    })),
  };
  return { type: InteractionResponseType.Modal, data };
}
