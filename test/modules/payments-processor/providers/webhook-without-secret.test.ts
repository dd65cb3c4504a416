// A connection may be saved before its webhook is registered at the provider (the webhook URL names the
// connection, so it exists only after a first save): its webhook secret, signature key or Webhook ID is then
// empty. An HMAC under an empty key is anyone's to compute, so such a connection accepts no webhook at all,
// while the same body signed with a real key still verifies.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  BTCPAY_SIGNATURE_HEADER,
  isValidBtcPaySignature,
} from '../../../../src/modules/payments-processor/providers/btcpay/btcpay-webhook.js';
import {
  isValidSquareSignature,
  SQUARE_SIGNATURE_HEADER,
} from '../../../../src/modules/payments-processor/providers/square/square-webhook.js';

const rawBody = Buffer.from(JSON.stringify({ type: 'InvoiceSettled', invoiceId: 'inv_1' }));
const notificationUrl = 'https://shop.example/webhooks/square/pcn_1';

describe('webhooks of a connection without its webhook secret', () => {
  it('BTCPay: a body signed with the empty key is refused; signed with the real secret it verifies', () => {
    const sign = (key: string) => `sha256=${createHmac('sha256', key).update(rawBody).digest('hex')}`;
    expect(isValidBtcPaySignature('', { rawBody, notificationUrl, headers: { [BTCPAY_SIGNATURE_HEADER]: sign('') } })).toBe(false);
    expect(isValidBtcPaySignature('s3cret', { rawBody, notificationUrl, headers: { [BTCPAY_SIGNATURE_HEADER]: sign('s3cret') } })).toBe(
      true,
    );
  });

  it('Square: a body signed with the empty key is refused; signed with the real key it verifies', () => {
    const sign = (key: string) => createHmac('sha256', key).update(notificationUrl, 'utf8').update(rawBody).digest('base64');
    expect(isValidSquareSignature('', { rawBody, notificationUrl, headers: { [SQUARE_SIGNATURE_HEADER]: sign('') } })).toBe(false);
    expect(isValidSquareSignature('sig-key', { rawBody, notificationUrl, headers: { [SQUARE_SIGNATURE_HEADER]: sign('sig-key') } })).toBe(
      true,
    );
  });
});
