// The fake BTCPay Server's store webhooks, as Greenfield's GreenfieldStoreWebhooksController has them (policy
// btcpay.store.webhooks.canmodifywebhooks, checked by fake-btcpay.ts): POST /api/v1/stores/{storeId}/webhooks
// ({url, enabled, automaticRedelivery, authorizedEvents: {everything, specificEvents}, secret}; an absolute url
// or 422 [{path: "Url", message: "Invalid Url"}]; a missing or empty secret is generated; the answer is the
// only one that shows it), GET .../webhooks[/{webhookId}] (secret left out), DELETE .../webhooks/{webhookId}
// (404 {code: "webhook-not-found"}); and the store's Settings -> Webhooks pages a person uses
// (GET /stores/{storeId}/webhooks, GET and POST /stores/{storeId}/webhooks/create). A delivery goes to each
// enabled webhook of the store whose authorizedEvents match its type (BTCPay's AuthorizedWebhookEvents.Match).
import type { ServerResponse } from 'node:http';
import { escapeHtml, randomId, redirect, sendHtml, sendJson, type FakeRequest } from './fake-http.js';

export interface FakeBtcPayWebhook {
  id: string;
  url: string;
  secret: string;
  /** Default true. */
  enabled?: boolean;
  automaticRedelivery?: boolean;
  /** Default {everything: true}. */
  authorizedEvents?: { everything: boolean; specificEvents: string[] };
}

interface WebhookStore {
  id: string;
  name: string;
  webhooks: FakeBtcPayWebhook[];
}

/** The webhook event types the fake sends (BTCPay's WebhookEventType, the ones these stores produce). */
export const BTCPAY_EVENT_TYPES = [
  'InvoiceCreated',
  'InvoiceReceivedPayment',
  'InvoiceProcessing',
  'InvoiceExpired',
  'InvoiceSettled',
  'InvoiceInvalid',
  'InvoicePaymentSettled',
  'InvoicePaidAfterExpiration',
  'PayoutCreated',
  'PayoutApproved',
  'PayoutUpdated',
] as const;

/** Whether a delivery of `type` goes to the webhook. */
export function webhookWants(webhook: FakeBtcPayWebhook, type: string): boolean {
  if (webhook.enabled === false) return false;
  const events = webhook.authorizedEvents ?? { everything: true, specificEvents: [] };
  return events.everything || events.specificEvents.includes(type);
}

function webhookJson(w: FakeBtcPayWebhook, includeSecret: boolean) {
  return {
    id: w.id,
    enabled: w.enabled !== false,
    automaticRedelivery: w.automaticRedelivery !== false,
    url: w.url,
    authorizedEvents: w.authorizedEvents ?? { everything: true, specificEvents: [] },
    ...(includeSecret ? { secret: w.secret } : {}),
  };
}

/** Uri.TryCreate(url, UriKind.Absolute): the url as given when it is absolute. */
function absoluteUrl(raw: unknown): string | null {
  if (typeof raw !== 'string' || !URL.canParse(raw)) return null;
  return raw;
}

/** StoreRepository.CreateWebhook as the controller calls it: the new webhook, or the 422 body. */
export function createWebhook(
  store: WebhookStore,
  body: Record<string, unknown>,
): { webhook: FakeBtcPayWebhook } | { errors: { path: string; message: string }[] } {
  const url = absoluteUrl(body.url);
  if (!url) return { errors: [{ path: 'Url', message: 'Invalid Url' }] };
  const ae = body.authorizedEvents && typeof body.authorizedEvents === 'object' ? (body.authorizedEvents as Record<string, unknown>) : null;
  const authorizedEvents = ae
    ? {
        everything: ae.everything === true,
        specificEvents: Array.isArray(ae.specificEvents) ? ae.specificEvents.filter((e): e is string => typeof e === 'string') : [],
      }
    : { everything: true, specificEvents: [] };
  const webhook: FakeBtcPayWebhook = {
    id: randomId(22),
    url,
    secret: typeof body.secret === 'string' && body.secret !== '' ? body.secret : randomId(22),
    enabled: body.enabled !== false,
    automaticRedelivery: body.automaticRedelivery !== false,
    authorizedEvents,
  };
  store.webhooks.push(webhook);
  return { webhook };
}

/**
 * What BTCPay keeps and this fake forgets when it restarts: a webhook of the store at `url` (every event) with
 * `secret`, as a connection saved them (seed/demo-processors.ts). One per URL: a URL the store already has (the
 * demo's, registered at start) keeps its webhook, signed from now on with this secret, the one the shop verifies
 * with. Returns whether a webhook was added.
 */
export function restoreWebhook(store: WebhookStore, url: string, secret: string): boolean {
  const existing = store.webhooks.find((w) => w.url === url);
  if (existing) {
    existing.secret = secret;
    return false;
  }
  store.webhooks.push({ id: randomId(22), url, secret });
  return true;
}

/** The Greenfield routes under /api/v1/stores/{storeId}/webhooks (`rest` is the part after the store id). */
export function handleWebhooksApi(
  method: string,
  rest: string,
  res: ServerResponse,
  store: WebhookStore,
  body: Record<string, unknown> | null,
): boolean {
  if (rest === '/webhooks') {
    if (method === 'GET') {
      sendJson(
        res,
        200,
        store.webhooks.map((w) => webhookJson(w, false)),
      );
      return true;
    }
    if (method === 'POST') {
      const made = createWebhook(store, body ?? {});
      if ('errors' in made) sendJson(res, 422, made.errors);
      else sendJson(res, 200, webhookJson(made.webhook, true));
      return true;
    }
    return false;
  }
  const m = /^\/webhooks\/([^/]+)$/.exec(rest);
  if (!m || (method !== 'GET' && method !== 'DELETE')) return false;
  const at = store.webhooks.findIndex((w) => w.id === decodeURIComponent(m[1]!));
  if (at === -1) {
    sendJson(res, 404, { code: 'webhook-not-found', message: 'The webhook was not found' });
    return true;
  }
  if (method === 'GET') sendJson(res, 200, webhookJson(store.webhooks[at]!, false));
  else {
    store.webhooks.splice(at, 1);
    res.writeHead(200);
    res.end();
  }
  return true;
}

/**
 * The store's Settings -> Webhooks pages (BTCPay's UIStoresController webhooks views): the list, "Create
 * Webhook" (payload URL, a generated secret shown in the form, events), and the list again with the new
 * webhook's secret. False when the request is not for these pages.
 */
export function handleWebhookPages(req: FakeRequest, res: ServerResponse, stores: WebhookStore[]): boolean {
  const m = /^\/stores\/([^/]+)\/webhooks(\/create)?$/.exec(req.path);
  if (!m) return false;
  const store = stores.find((s) => s.id === decodeURIComponent(m[1]!));
  if (!store) {
    sendHtml(res, 404, shell('Store not found', '<p>This store does not exist.</p>'));
    return true;
  }
  const base = `/stores/${encodeURIComponent(store.id)}/webhooks`;
  if (!m[2] && req.method === 'GET') {
    sendHtml(res, 200, listHtml(store, base, req.query.get('added') ?? ''));
    return true;
  }
  if (m[2] && req.method === 'GET') {
    sendHtml(res, 200, createHtml(store, base, randomId(22)));
    return true;
  }
  if (m[2] && req.method === 'POST') {
    const form = new URLSearchParams(req.rawBody.toString('utf8'));
    const everything = form.get('everything') !== 'false';
    const specificEvents = form.getAll('specificEvents');
    if (!everything && specificEvents.length === 0) {
      sendHtml(res, 400, shell('Webhook not created', '<p id="error">Choose the events to send, or "Send me everything".</p>'));
      return true;
    }
    const made = createWebhook(store, {
      url: form.get('url')?.trim() ?? '',
      secret: form.get('secret')?.trim() ?? '',
      enabled: form.get('active') === 'true',
      automaticRedelivery: form.get('automaticRedelivery') === 'true',
      authorizedEvents: { everything, specificEvents },
    });
    if ('errors' in made) {
      sendHtml(
        res,
        400,
        shell('Webhook not created', '<p id="error">The Payload URL is invalid: enter a full URL (http:// or https://).</p>'),
      );
      return true;
    }
    redirect(res, `${base}?added=${encodeURIComponent(made.webhook.id)}`);
    return true;
  }
  return false;
}

function listHtml(store: WebhookStore, base: string, added: string): string {
  const addedHook = store.webhooks.find((w) => w.id === added);
  const notice = addedHook
    ? `<p id="added">Webhook created. Its secret is <strong><code id="webhook-secret">${escapeHtml(addedHook.secret)}</code></strong>: paste it into the BTCPay card's Webhook secret in Settings -&gt; Payments, save, and Test connection.</p>`
    : '';
  const rows =
    store.webhooks
      .map(
        (w) =>
          `<tr><td><code>${escapeHtml(w.id)}</code></td><td>${escapeHtml(w.url)}</td><td>${w.enabled === false ? 'Disabled' : 'Enabled'}</td><td>${
            (w.authorizedEvents ?? { everything: true }).everything
              ? 'Everything'
              : escapeHtml((w.authorizedEvents?.specificEvents ?? []).join(', '))
          }</td></tr>`,
      )
      .join('') || '<tr><td colspan="4">There are no webhooks yet.</td></tr>';
  return shell(
    `${store.name}: Webhooks`,
    `<h1>${escapeHtml(store.name)}: Settings -&gt; Webhooks</h1>${notice}
<p>Store ID <code>${escapeHtml(store.id)}</code>. Each event is sent to every enabled webhook of the store that asked for it, signed with that webhook's secret.</p>
<table><thead><tr><th>ID</th><th>Payload URL</th><th>Status</th><th>Events</th></tr></thead><tbody>${rows}</tbody></table>
<p><a id="create-webhook" href="${base}/create">Create Webhook</a></p>`,
  );
}

function createHtml(store: WebhookStore, base: string, secret: string): string {
  const events = BTCPAY_EVENT_TYPES.map((t) => `<label><input type="checkbox" name="specificEvents" value="${t}"> ${t}</label>`).join('');
  return shell(
    `${store.name}: Create Webhook`,
    `<h1>Create Webhook</h1>
<form method="post" action="${base}/create">
<label>Payload URL <input type="url" name="url" required placeholder="http://127.0.0.1:3000/webhooks/btcpay/pcn_..."></label>
<label>Secret <input name="secret" value="${escapeHtml(secret)}"></label>
<p class="muted">The endpoint gets this secret in the BTCPay-Sig header's HMAC: copy it now.</p>
<label><input type="checkbox" name="automaticRedelivery" value="true" checked> Automatic redelivery</label>
<label><input type="checkbox" name="active" value="true" checked> Active</label>
<fieldset><legend>Events</legend>
<label><input type="radio" name="everything" value="true" checked> Send me everything</label>
<label><input type="radio" name="everything" value="false"> Send specific events</label>${events}</fieldset>
<button type="submit">Add webhook</button></form>`,
  );
}

function shell(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font:16px system-ui,sans-serif;max-width:56rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4rem;text-align:left;word-break:break-all}label{display:block;margin:.5rem 0}input[type=url],input[name=secret]{display:block;width:100%;font-size:1rem;padding:.6rem;box-sizing:border-box}button{min-height:44px;font-size:1rem;padding:0 1rem}.muted{color:#666}</style></head>
<body><p class="muted">BTCPay Server (local fake)</p>${body}</body></html>`;
}
