// During a roll-back, an instance of the previous release (which does not know idempotency_keys.responseText) took
// over an expired key: its UPDATE set the new request's fingerprint, status and jsonb answer but left the text the
// first request had been answered. Rolled forward, a retry of the new request was answered the new status with the
// OTHER request's bytes. A text that disagrees with the jsonb is now not replayed: the jsonb is.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { pendingOrder, useApiShop } from './api-fixtures.js';

const db = testDb();
const { t, shop } = useApiShop();

describe('an Idempotency-Key taken over by the previous release', () => {
  it('replays the answer that release kept, not the text the key answered before', async () => {
    const first = await pendingOrder(shop);
    const receipt = await request(t.app)
      .post(`/api/v1/orders/${first.id}/payment/receipts`)
      .set(shop.auth)
      .set('Idempotency-Key', 'rolled-back')
      .send({ amountCents: 1500, note: 'bank transfer 42' })
      .expect(201);

    // Another request, answered under another key, gives the fingerprint and jsonb the old release would have kept.
    const second = await pendingOrder(shop);
    const rejectPath = `/api/v1/orders/${second.id}/payment/reject`;
    const rejectBody = { reason: 'no money arrived' };
    const rejected = await request(t.app).post(rejectPath).set(shop.auth).set('Idempotency-Key', 'source').send(rejectBody).expect(200);
    expect(rejected.text).not.toBe(receipt.text);

    // What the previous release's takeover of the expired 'rolled-back' key wrote: everything but responseText.
    await db.$executeRaw`
      UPDATE idempotency_keys k SET fingerprint = s.fingerprint, method = s.method, path = s.path, status = s.status,
             "responseBody" = s."responseBody", "createdAt" = now()
      FROM idempotency_keys s
      WHERE k."tenantId" = ${shop.tenant.id} AND k.key = 'rolled-back' AND s."tenantId" = k."tenantId" AND s.key = 'source'`;

    const replay = await request(t.app).post(rejectPath).set(shop.auth).set('Idempotency-Key', 'rolled-back').send(rejectBody).expect(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.text).not.toBe(receipt.text);
    expect(replay.body).toEqual(rejected.body);
  });
});
