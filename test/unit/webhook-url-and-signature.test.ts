// The outgoing-webhook URL policy (SSRF guard), the sender's connect-time check, and our Standard Webhooks
// signature against the reference library's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { createWebhookSender } from '../../src/adapters/http/webhook-sender.js';
import { checkWebhookTarget, checkWebhookUrl, isPrivateAddress } from '../../src/modules/webhooks/webhook-url.js';
import { generateWebhookSecret, signWebhook, webhookHeaders } from '../../src/modules/webhooks/webhook-signature.js';
import { WebhookReceiver } from '../fakes/webhook-receiver.js';

const prod = { production: true };
const dev = { production: false };

describe('isPrivateAddress', () => {
  it('refuses loopback, private, link-local (cloud metadata), CGNAT, multicast, reserved and their IPv6 forms', () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      'fc00::1',
      '::ffff:10.0.0.1',
      '::ffff:127.0.0.1',
      '64:ff9b::a00:1',
      '[::1]',
    ]) {
      expect(isPrivateAddress(ip), ip).toBe(true);
    }
    for (const ip of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])
      expect(isPrivateAddress(ip), ip).toBe(false);
  });
});

describe('checkWebhookUrl / checkWebhookTarget', () => {
  it('production: https to a public host only', async () => {
    expect(checkWebhookUrl('https://hooks.example.com/ledgerline', prod).hostname).toBe('hooks.example.com');
    for (const url of [
      'http://hooks.example.com/x',
      'https://localhost/x',
      'https://127.0.0.1/x',
      'https://[::1]/x',
      'https://10.0.0.8/x',
      'https://169.254.169.254/latest/meta-data',
      'https://[::ffff:192.168.0.1]/x',
      'https://a.localhost/x',
    ]) {
      expect(() => checkWebhookUrl(url, prod), url).toThrowError(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    }
    // A public-looking name that resolves to a private address is refused, as is one that resolves nowhere.
    await expect(checkWebhookTarget('https://internal.example.com/x', prod, async () => ['93.184.216.34', '10.0.0.5'])).rejects.toThrow(
      /10\.0\.0\.5/,
    );
    await expect(
      checkWebhookTarget('https://gone.example.com/x', prod, async () => {
        throw new Error('ENOTFOUND');
      }),
    ).rejects.toThrow(/does not resolve/);
    expect((await checkWebhookTarget('https://hooks.example.com/x', prod, async () => ['93.184.216.34'])).toString()).toBe(
      'https://hooks.example.com/x',
    );
  });

  it('development and test: https anywhere, plain http only to localhost', async () => {
    for (const url of [
      'http://localhost:3000/hook',
      'http://127.0.0.1:8080/hook',
      'http://[::1]:8080/hook',
      'https://10.0.0.8/x',
      'https://hooks.example.com/x',
    ]) {
      expect(() => checkWebhookUrl(url, dev), url).not.toThrow();
    }
    expect(() => checkWebhookUrl('http://hooks.example.com/x', dev)).toThrow(/only for localhost/);
    // No lookup outside production.
    await expect(checkWebhookTarget('https://hooks.example.com/x', dev, async () => ['10.0.0.1'])).resolves.toBeInstanceOf(URL);
  });

  it('refuses credentials, fragments, other schemes and overlong URLs everywhere', () => {
    for (const url of [
      'https://u:p@example.com/x',
      'https://example.com/x#frag',
      'ftp://example.com/x',
      'javascript:alert(1)',
      `https://example.com/${'a'.repeat(2000)}`,
      '',
    ]) {
      expect(() => checkWebhookUrl(url, dev), url).toThrowError(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    }
  });
});

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
