// Whether an interaction came from a message of the rich /order flow (one whose components use `order:` ids): its
// answers update that message in place (handlers/order-flow.ts flowReply), and an error that ends the flow replaces
// it (error-reply.ts errorReply).
import { ComponentType, InteractionType, type APIInteraction } from 'discord-api-types/v10';

export function isFlowMessage(interaction: APIInteraction): boolean {
  if (interaction.type !== InteractionType.MessageComponent && interaction.type !== InteractionType.ModalSubmit) return false;
  const rows = (interaction.message?.components ?? []) as { components?: { type: number; custom_id?: string }[] }[];
  return rows.some((r) =>
    r.components?.some(
      (c) => (c.type === ComponentType.Button || c.type === ComponentType.StringSelect) && c.custom_id?.startsWith('order:'),
    ),
  );
}
