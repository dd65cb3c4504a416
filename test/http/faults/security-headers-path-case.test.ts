// Express routes paths case-insensitively (and a trailing slash is optional), so `/API/orders` reaches the REST API.
// The security headers chose their policy from the path as written, case-sensitively: an API answer (an order, with
// the customer's address) asked for in capitals went out without `Cache-Control: no-store` (a shared proxy or the
// browser's cache could keep it). The invoice page and the health probes set no-store themselves: checked here as well.
// The panel written so is sent to /admin (admin-path-case.test.ts).
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { useApiShop } from '../api/api-fixtures.js';

const { t, shop } = useApiShop();
beforeEach(async () => {
  await testDb().rateLimit.deleteMany();
});

describe('security headers whatever the case of the path', () => {
  it('an API answer is no-store at /API/orders as at /api/orders', async () => {
    const res = await request(t.app).get('/API/Orders').set(shop.auth).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('the invoice page is no-store at /INVOICE/...', async () => {
    const res = await request(t.app).get('/Invoice/not-a-token');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('the health probes are no-store at /READYZ and /HealthZ', async () => {
    for (const path of ['/HealthZ', '/READYZ']) {
      const res = await request(t.app).get(path);
      expect(res.headers['cache-control'], path).toBe('no-store');
    }
  });
});
