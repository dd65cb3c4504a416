// The dashboard's question about a shop's stored admin channel (storedChannelLookup): a Discord that hangs holds
// up one view for at most the wait, not every view; views arriving together share one question; an answer is
// remembered, "could not tell" for less long. Fake timers: no real waiting, no timing assertion.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { storedChannelLookup } from './dashboard.handler.js';

const OWN = { id: '100', guildId: '900', type: 0 };

describe('storedChannelLookup', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('gives up on a hanging Discord after the wait, once: later views are answered at once until it answers', async () => {
    let answer: (v: typeof OWN) => void = () => {};
    const findChannel = vi.fn(() => new Promise<typeof OWN>((resolve) => (answer = resolve)));
    const lookup = storedChannelLookup({ findChannel }, () => Date.now());
    const first = lookup('t1', '100');
    const second = lookup('t1', '100'); // arrives together: shares the question
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await first).toBe('unknown');
    expect(await second).toBe('unknown');
    // A later view while Discord still hangs: nothing to wait for.
    expect(await lookup('t1', '100')).toBe('unknown');
    expect(findChannel).toHaveBeenCalledTimes(1);
    // Discord answers at last: the answer replaces "could not tell".
    answer(OWN);
    await vi.advanceTimersByTimeAsync(0);
    expect(await lookup('t1', '100')).toEqual(OWN);
    expect(findChannel).toHaveBeenCalledTimes(1);
  });

  it('remembers an answer for a minute and "could not tell" for 30 seconds, per shop and channel', async () => {
    const findChannel = vi.fn<(t: string | null, c: string) => Promise<typeof OWN | 'unknown'>>(() => Promise.resolve('unknown'));
    const lookup = storedChannelLookup({ findChannel }, () => Date.now());
    expect(await lookup('t1', '100')).toBe('unknown');
    expect(await lookup('t1', '100')).toBe('unknown');
    expect(findChannel).toHaveBeenCalledTimes(1);
    findChannel.mockResolvedValue(OWN);
    await vi.advanceTimersByTimeAsync(30_001);
    expect(await lookup('t1', '100')).toEqual(OWN);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(await lookup('t1', '100')).toEqual(OWN);
    expect(findChannel).toHaveBeenCalledTimes(2);
    // Another shop's question is its own.
    expect(await lookup('t2', '100')).toEqual(OWN);
    expect(findChannel).toHaveBeenCalledTimes(3);
  });

  it('a directory that throws is "could not tell", never a failed dashboard', async () => {
    const lookup = storedChannelLookup({ findChannel: () => Promise.reject(new Error('no bot token')) }, () => Date.now());
    expect(await lookup('t1', '100')).toBe('unknown');
  });
});
