// A BTCPay connection's server URL under the outbound rule (platform/outbound/outbound-url.ts): the shop types it,
// and the server then calls it (Test connection, checkouts, webhooks' read-backs, refunds), so it is checked when
// saved (connection.service.ts) and again at every Greenfield call (greenfield.client.ts). No ?query: the API's
// paths are appended to it. docs/decisions/square-and-btcpay.md, "Server-side requests to the shop's BTCPay Server".
import type { OutboundUrlField } from '../../../../platform/outbound/outbound-url.js';

export const BTCPAY_SERVER_URL: OutboundUrlField = {
  field: 'serverUrl',
  what: 'the BTCPay Server',
  example: 'https://btcpay.example.com',
  maxLength: 300,
  allowQuery: false,
};
