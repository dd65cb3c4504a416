// The outgoing-webhook sender's connect-time check (the URL rule itself: src/platform/outbound/*.test.ts), and our
// Standard Webhooks signature against the reference library's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { createWebhookSender } from '../../src/adapters/http/webhook-sender.js';
import { generateWebhookSecret, signWebhook, webhookHeaders } from '../../src/modules/webhooks/webhook-signature.js';
import { WebhookReceiver } from '../fakes/webhook-receiver.js';

describe('the sender in production (blockPrivate)', () => {
  const receiver = new WebhookReceiver();
  beforeAll(async () => {
    await receiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
  });

  it('does not connect to a private address, given as an IP or as a name that resolves to one', async () => {
    const guarded = createWebhookSender({ timeoutMs: 5000, blockPrivate: true });
    const port = new URL(receiver.url).port;
    const byIp = await guarded({ url: `https://127.0.0.1:${port}/x`, headers: {}, body: '{}' });
    expect(byIp).toMatchObject({ error: expect.stringMatching(/^refused: 127\.0\.0\.1 is a private address/) });
    const byName = await guarded({ url: `https://localhost:${port}/x`, headers: {}, body: '{}' });
    expect(byName.statusCode).toBeUndefined();
    expect(byName.error).toMatch(/^refused: localhost resolves to (127\.0\.0\.1|::1)/);
    const plain = await guarded({ url: `http://localhost:${port}/x`, headers: {}, body: '{}' });
    expect(plain.error).toMatch(/not https/);
    expect(receiver.received).toEqual([]);
    // The same request outside production reaches the receiver.
    const open = await createWebhookSender({ timeoutMs: 5000, blockPrivate: false })({ url: receiver.url, headers: {}, body: '{}' });
    expect(open).toMatchObject({ statusCode: 200, responseExcerpt: 'ok' });
    expect(receiver.received).toHaveLength(1);
  });
});

describe('Standard Webhooks signature', () => {
  it('matches the reference library and verifies with it', () => {
    const secret = generateWebhookSecret();
    const at = new Date();
    const body = JSON.stringify({ type: 'order.paid', data: { order: { id: 'ord_1' } } });
    const reference = new Webhook(secret);
    expect(signWebhook(secret, 'msg_1', Math.floor(at.getTime() / 1000), body)).toBe(reference.sign('msg_1', at, body));
    expect(reference.verify(body, webhookHeaders(secret, 'msg_1', at, body))).toEqual(JSON.parse(body));
    expect(() => reference.verify(`${body} `, webhookHeaders(secret, 'msg_1', at, body))).toThrow();
    expect(() => new Webhook(generateWebhookSecret()).verify(body, webhookHeaders(secret, 'msg_1', at, body))).toThrow();
  });
});
