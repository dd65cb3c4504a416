// The guild -> tenant cache: one read per guild at a time, entries kept TENANT_CACHE_TTL_MS, unknown guilds
// never cached.
import { describe, expect, it } from 'vitest';
import type { Tenant } from '../../generated/prisma/index.js';
import { createTenantCache } from './tenant-cache.js';

const tenant = (id: string) => ({ id }) as Tenant;

describe('tenant cache', () => {
  it('clicks arriving while a guild is being read wait for that one read (no stampede at expiry)', async () => {
    let loads = 0;
    const waiting: (() => void)[] = [];
    const cache = createTenantCache(async (g) => {
      loads++;
      await new Promise<void>((r) => waiting.push(r));
      return tenant(`t-${g}`);
    }, 60_000);
    const clicks = Array.from({ length: 50 }, () => cache('g1'));
    await Promise.resolve();
    for (const release of waiting) release();
    expect((await Promise.all(clicks)).map((t) => t?.id)).toEqual(Array(50).fill('t-g1'));
    expect(loads).toBe(1);
    expect((await cache('g1'))?.id).toBe('t-g1'); // cached now
    expect(loads).toBe(1);
  });

  it('reads again after the entry expires; an unknown guild is read each time; a failed read is not kept', async () => {
    let loads = 0;
    let fail = false;
    const cache = createTenantCache(async (g) => {
      loads++;
      if (fail) throw new Error('database down');
      return g === 'known' ? tenant('t') : null;
    }, 0);
    await cache('known');
    await cache('known');
    expect(loads).toBe(2);
    expect(await cache('unknown')).toBeNull();
    expect(await cache('unknown')).toBeNull();
    expect(loads).toBe(4);
    fail = true;
    await expect(cache('known')).rejects.toThrow('database down');
    fail = false;
    expect((await cache('known'))?.id).toBe('t');
  });
});
