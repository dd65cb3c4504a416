// The safety net of the 3-second rule: a handler slower than the budget is deferred, and its answer is
// delivered through the interaction webhook (edit for updates and commands, follow-up for new messages).
// No timers: the deadline and the handler's work are promises the test settles itself, in the order it
// wants, so the outcome never depends on how busy the machine is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InteractionResponseType, type APIInteraction, type APIInteractionResponse } from 'discord-api-types/v10';
import { FakeDiscordApi } from '../../src/dev/fake-discord-api.js';
import { answerInTime, answerOutcome } from '../../src/surfaces/discord/deferral.js';
import { createDiscordRest } from '../../src/adapters/discord/discord-rest.js';
import { ephemeral, update } from '../../src/surfaces/discord/replies.js';
import { createLogger } from '../../src/platform/logger.js';

let fake: FakeDiscordApi;
beforeAll(async () => {
  fake = await new FakeDiscordApi().start();
});
afterAll(async () => {
  await fake.stop();
});

const log = createLogger({ level: 'silent', pretty: false });
const interaction = (type: number, token: string, message?: object) =>
  ({
    id: '1',
    application_id: '123456789012345678',
    type,
    token,
    version: 1,
    ...(message ? { message } : {}),
  }) as unknown as APIInteraction;
const never = new Promise<void>(() => undefined);
/** A promise the test resolves when it chooses. */
function later<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function slow(type: number, token: string, answer: APIInteractionResponse, message?: object) {
  const rest = createDiscordRest({ apiBaseUrl: fake.apiBase });
  const work = later<APIInteractionResponse>();
  // The deadline has passed before the work is done.
  const res = await answerInTime({
    interaction: interaction(type, token, message),
    work: work.promise,
    deferNow: false,
    deadline: Promise.resolve(),
    rest,
    log,
  });
  work.resolve(answer);
  return res;
}

describe('answerInTime', () => {
  it('answers directly when the handler is done before the deadline', async () => {
    const rest = createDiscordRest({ apiBaseUrl: fake.apiBase });
    const res = await answerInTime({
      interaction: interaction(3, 'fast', {}),
      work: Promise.resolve(update({ content: 'hi' })),
      deferNow: false,
      deadline: never,
      rest,
      log,
    });
    expect(res.type).toBe(InteractionResponseType.UpdateMessage);
    expect(answerOutcome(res)).toBe('ok');
  });

  it('defers at once when the route asks to, even before the deadline', async () => {
    const rest = createDiscordRest({ apiBaseUrl: fake.apiBase });
    const work = later<APIInteractionResponse>();
    const res = await answerInTime({
      interaction: interaction(3, 'defer-now', {}),
      work: work.promise,
      deferNow: Promise.resolve(true),
      deadline: never,
      rest,
      log,
    });
    expect(res).toEqual({ type: 6 });
    // /metrics tells this from the safety net's deferral (below): one is by design, the other a slow service.
    expect(answerOutcome(res)).toBe('deferred');
    work.resolve(update({ content: 'now done' }));
    const call = await fake.waitFor((c) => c.method === 'PATCH' && c.path === '/webhooks/123456789012345678/defer-now/messages/@original');
    expect(call.body).toMatchObject({ content: 'now done' });
  });

  it('defers a slow component (type 6) and edits the original message', async () => {
    const res = await slow(3, 'slow-update', update({ content: 'done late' }), {});
    expect(res).toEqual({ type: 6 });
    expect(answerOutcome(res)).toBe('deferred_late');
    const call = await fake.waitFor(
      (c) => c.method === 'PATCH' && c.path === '/webhooks/123456789012345678/slow-update/messages/@original',
    );
    expect(call.body).toMatchObject({ content: 'done late' });
  });

  it('defers a slow component that wanted a new message as a follow-up', async () => {
    expect(await slow(3, 'slow-new', ephemeral({ content: 'an error' }), {})).toEqual({ type: 6 });
    const call = await fake.waitFor((c) => c.method === 'POST' && c.path === '/webhooks/123456789012345678/slow-new');
    expect(call.body).toMatchObject({ content: 'an error', flags: 64 });
  });

  it('defers a slow command as an ephemeral type 5', async () => {
    expect(await slow(2, 'slow-cmd', ephemeral({ content: 'result' }))).toEqual({ type: 5, data: { flags: 64 } });
    const call = await fake.waitFor((c) => c.method === 'PATCH' && c.path === '/webhooks/123456789012345678/slow-cmd/messages/@original');
    expect(call.body).toMatchObject({ content: 'result' });
  });
});
