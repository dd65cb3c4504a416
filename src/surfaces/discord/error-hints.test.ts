// The hint after an error's message names `/order` only for a customer in the /order flow: not for an
// admin's button or command, not for the legacy commands (they get their own), and never repeats the message.
import { InteractionType, type APIInteraction } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.js';
import { createLogger } from '../../platform/logger.js';
import { errorMessage } from './error-reply.js';

const log = createLogger({ level: 'silent', pretty: false });
const command = (name: string) => ({ type: InteractionType.ApplicationCommand, data: { name } }) as unknown as APIInteraction;
const component = (custom_id: string) => ({ type: InteractionType.MessageComponent, data: { custom_id } }) as unknown as APIInteraction;
const text = (err: unknown, interaction?: APIInteraction) => errorMessage(err, 'req', log, interaction).embeds?.[0]?.description;

describe('error hints', () => {
  const illegal = new AppError('ILLEGAL_STATE', 'Set a shipping address first.');
  it('ILLEGAL_STATE: the /order hint in the /order flow only', () => {
    expect(text(illegal, component('order:confirm'))).toBe('Set a shipping address first.\nRun `/order` to see where your order stands.');
    expect(text(illegal, component('payment:approve:pay_1'))).toBe('Set a shipping address first.');
    expect(text(illegal, command('order-submit'))).toBe('Set a shipping address first.');
    expect(text(illegal)).toBe('Set a shipping address first.');
  });

  it('a session problem: the way forward of the flow it came from, said once', () => {
    const expired = new AppError('SESSION_EXPIRED', 'Your order session expired after a period of inactivity.', { session: 'expired' });
    expect(text(expired, command('order'))).toBe(
      'Your order session expired after a period of inactivity.\nRun `/order` to start a new one.',
    );
    expect(text(expired, command('order-item'))).toBe(
      'Your order session expired after a period of inactivity.\nRun `/order-start` to start a new one.',
    );
  });
});
