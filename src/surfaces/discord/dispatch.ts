// Routes a verified interaction to its handler. Filled in by the Discord surface (issue: Discord ordering).
import { InteractionResponseType, MessageFlags, type APIInteraction, type APIInteractionResponse } from 'discord-api-types/v10';
import type { Services } from '../../container.js';

export async function handleInteraction(
  _services: Services,
  _interaction: APIInteraction,
  _ctx: { requestId: string },
): Promise<APIInteractionResponse> {
  return {
    type: InteractionResponseType.ChannelMessageWithSource,
    data: { content: 'Ledgerline is not ready for this yet.', flags: MessageFlags.Ephemeral },
  };
}
