// Each payment provider's name as a shop owner knows it, in messages and admin alerts.
import type { ProviderId } from './provider.port.js';

export const PROVIDER_NAME: Record<ProviderId, string> = { PAYPAL: 'PayPal', SQUARE: 'Square', BTCPAY: 'BTCPay Server' };
