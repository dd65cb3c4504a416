// The safety net of the 3-second rule: a handler slower than the budget is deferred, and its answer is
// delivered through the interaction webhook (edit for updates and commands, follow-up for new messages).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InteractionResponseType } from 'discord-api-types/v10';
import { FakeDiscordApi } from '../../src/dev/fake-discord-api.js';
import { answerInTime } from '../../src/surfaces/discord/deferral.js';
import { createDiscordRest } from '../../src/surfaces/discord/discord-rest.js';
import { ephemeral, update } from '../../src/surfaces/discord/replies.js';
import { createLogger } from '../../src/platform/logger.js';
import type { APIInteraction } from 'discord-api-types/v10';

let fake: FakeDiscordApi;
beforeAll(async () => {
  fake = await new FakeDiscordApi().start();
});
afterAll(async () => {
  await fake.stop();
});

const log = createLogger({ level: 'silent', pretty: false });
const later = <T>(ms: number, value: T) => new Promise<T>((r) => setTimeout(() => r(value), ms));
const interaction = (type: number, token: string, message?: object) => ({ id: '1', application_id: '123456789012345678', type, token, version: 1, ...(message ? { message } : {}) }) as unknown as APIInteraction;

describe('answerInTime', () => {
  it('answers directly when the handler is fast', async () => {
    const rest = createDiscordRest({ apiBaseUrl: fake.apiBase });
    const res = await answerInTime({ interaction: interaction(3, 'fast', {}), work: Promise.resolve(update({ content: 'hi' })), deferNow: false, rest, log, deferAfterMs: 500 });
    expect(res.type).toBe(InteractionResponseType.UpdateMessage);
  });

  it('defers a slow component (type 6) and edits the original message', async () => {
    const rest = createDiscordRest({ apiBaseUrl: fake.apiBase });
    const res = await answerInTime({ interaction: interaction(3, 'slow-update', {}), work: later(150, update({ content: 'done late' })), deferNow: false, rest, log, deferAfterMs: 20 });
    expect(res).toEqual({ type: 6 });
    const call = await fake.waitFor((c) => c.method === 'PATCH' && c.path === '/webhooks/123456789012345678/slow-update/messages/@original');
    expect(call.body).toMatchObject({ content: 'done late' });
  });

  it('defers a slow component that wanted a new message as a follow-up', async () => {
    const rest = createDiscordRest({ apiBaseUrl: fake.apiBase });
    const res = await answerInTime({ interaction: interaction(3, 'slow-new', {}), work: later(100, ephemeral({ content: 'an error' })), deferNow: false, rest, log, deferAfterMs: 20 });
    expect(res).toEqual({ type: 6 });
    const call = await fake.waitFor((c) => c.method === 'POST' && c.path === '/webhooks/123456789012345678/slow-new');
    expect(call.body).toMatchObject({ content: 'an error', flags: 64 });
  });

  it('defers a slow command as an ephemeral type 5', async () => {
    const rest = createDiscordRest({ apiBaseUrl: fake.apiBase });
    const res = await answerInTime({ interaction: interaction(2, 'slow-cmd'), work: later(100, ephemeral({ content: 'result' })), deferNow: false, rest, log, deferAfterMs: 20 });
    expect(res).toEqual({ type: 5, data: { flags: 64 } });
    const call = await fake.waitFor((c) => c.method === 'PATCH' && c.path === '/webhooks/123456789012345678/slow-cmd/messages/@original');
    expect(call.body).toMatchObject({ content: 'result' });
  });
});
