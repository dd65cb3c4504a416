// GET /api/v1/orders?from=…&to=…: a date-time must say its zone (Z or an offset). One without ("2026-11-01T12:00:00")
// was read with new Date() in the server process's own time zone, so the same query named other instants on a server
// (or a developer's machine) in another zone: platform/zoned-time.ts refuses such a value everywhere else ("it could mean
// any of 24 instants"), as POST /orders/{id}/payment-window's until does. A bare date stays the shop's day.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useApiShop } from './api-fixtures.js';

const { t, shop } = useApiShop();

describe('GET /orders date filters', () => {
  it.each([
    ['from', '2026-11-01T12:00:00'],
    ['to', '2026-11-01T12:00'],
    ['from', '2026-11-01 12:00:00'],
  ])('%s=%s (no zone) is a 400 naming it', async (name, value) => {
    const res = await request(t.app)
      .get(`/api/v1/orders?${name}=${encodeURIComponent(value)}`)
      .set(shop.auth)
      .expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.fields).toEqual([{ path: name, message: expect.stringMatching(/zone/) }]);
  });

  it('a date-time with its zone, and a bare date, are still taken', async () => {
    for (const q of ['from=2026-11-01T12:00:00Z', 'to=2026-11-01T12:00:00-05:00', 'from=2026-11-01 12:00:00+01:00', 'from=2026-11-01'])
      await request(t.app)
        .get(`/api/v1/orders?${q.replace('+', '%2B').replace(' ', '%20')}`)
        .set(shop.auth)
        .expect(200);
  });
});
