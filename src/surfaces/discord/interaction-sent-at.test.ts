// A command's send time (sentAtOf) is Discord's stamp as an age on this instance's clock. The age compared Discord's
// clock with the instance's, so an instance running minutes ahead of Discord's took every command as sent minutes
// earlier: put on the database's clock, it made refunds and receipts recorded minutes before the command look like
// ones recorded meanwhile. The age is now bounded by what delivery can take.
import type { APIInteraction } from 'discord-api-types/v10';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sentAtOf } from './interaction-data.js';

const DISCORD_EPOCH_MS = 1_420_070_400_000;
const MINUTE = 60_000;

/** An interaction whose id Discord stamped at `stampedMs`. */
const stampedAt = (stampedMs: number) => ({ id: (BigInt(stampedMs - DISCORD_EPOCH_MS) << 22n).toString() }) as APIInteraction;

/** sentAtOf as an instance whose clock reads `instanceMs` when an interaction stamped at `stampedMs` arrives. */
function sentAtOn(instanceMs: number, stampedMs: number): Date | undefined {
  vi.useFakeTimers({ toFake: ['Date'], now: instanceMs });
  return sentAtOf(stampedAt(stampedMs), new Date());
}

afterEach(() => vi.useRealTimers());

describe("an interaction's send time on this instance's clock", () => {
  const stamped = Date.UTC(2026, 11, 7, 4, 0, 0);

  it('is its age before now when it took a moment to arrive', () => {
    expect(sentAtOn(stamped + 2000, stamped)?.getTime()).toBe(stamped);
  });

  it('is not minutes before it arrived on an instance whose clock runs minutes ahead of Discord’s', () => {
    const arrived = stamped + 4 * MINUTE;
    // Before: 4 minutes before it arrived (the instance's offset taken as its age).
    expect(sentAtOn(arrived, stamped)?.getTime()).toBe(arrived - 15_000);
  });

  it('is when it arrived on an instance whose clock runs behind Discord’s', () => {
    expect(sentAtOn(stamped - MINUTE, stamped)?.getTime()).toBe(stamped - MINUTE);
  });

  it('is undefined for an id that is not a snowflake', () => {
    expect(sentAtOf({ id: 'not-a-snowflake' } as APIInteraction, new Date())).toBeUndefined();
  });
});
