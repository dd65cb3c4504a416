// Standard Webhooks signing (https://www.standardwebhooks.com): the secret is "whsec_" + base64 of random
// bytes; each request carries webhook-id (the delivery's id, the same on every attempt), webhook-timestamp
// (Unix seconds of this attempt) and webhook-signature = "v1," + base64(HMAC-SHA256(key, `${id}.${ts}.${body}`))
// where key is the base64-decoded part of the secret. Receivers verify with any Standard Webhooks library.
import { createHmac, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
const SECRET_SHAPE = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/;

/** A new signing secret: 24 random bytes (192 bits), as Standard Webhooks serialises it. */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(24).toString('base64')}`;
}

export function isWebhookSecret(secret: string): boolean {
  return SECRET_SHAPE.test(secret);
}

function keyOf(secret: string): Buffer {
  if (!isWebhookSecret(secret)) throw new Error('not a webhook signing secret (expected "whsec_" + base64)');
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}

export function signWebhook(secret: string, msgId: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', keyOf(secret)).update(`${msgId}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The three headers of one attempt. */
export function webhookHeaders(secret: string, msgId: string, at: Date, body: string): Record<string, string> {
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secret, msgId, timestamp, body),
  };
}
