// The per-process customer cache (customer-cache.ts): entries expire, and the map never holds more than
// its bound (the least recently written entry goes first).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Customer } from '../../generated/prisma/index.js';
import { createCustomerCache } from './customer-cache.js';

const customer = (tenantId: string, discordUserId: string) =>
  ({ id: `cus_${discordUserId}`, tenantId, discordUserId, username: 'u', displayName: null }) as unknown as Customer;

describe('customer cache', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keys by tenant and Discord user, and forgets entries after the TTL', () => {
    // The clock is moved, not waited on: on a busy machine a real 30 ms could pass between set and get.
    vi.useFakeTimers({ toFake: ['Date'] });
    const cache = createCustomerCache(30_000);
    cache.set(customer('ten_a', '1'));
    expect(cache.get('ten_a', '1')?.id).toBe('cus_1');
    expect(cache.get('ten_b', '1')).toBeUndefined();
    vi.advanceTimersByTime(29_999);
    expect(cache.get('ten_a', '1')?.id).toBe('cus_1');
    vi.advanceTimersByTime(1);
    expect(cache.get('ten_a', '1')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('stays within its bound, dropping the least recently written entry', () => {
    const cache = createCustomerCache(60_000, 3);
    for (const id of ['1', '2', '3']) cache.set(customer('ten_a', id));
    cache.set(customer('ten_a', '1')); // rewritten: now the newest
    cache.set(customer('ten_a', '4'));
    expect(cache.size).toBe(3);
    expect(cache.get('ten_a', '2')).toBeUndefined();
    expect(['1', '3', '4'].map((id) => cache.get('ten_a', id)?.id)).toEqual(['cus_1', 'cus_3', 'cus_4']);
  });
});
