// The fake Square's webhook subscriptions, as Square's Webhook Subscriptions API has them (owned by the
// application, called with its access token): POST /v2/webhooks/subscriptions ({subscription: {name,
// event_types, notification_url, api_version}} -> the subscription with its Square-generated signature_key),
// GET /v2/webhooks/subscriptions (?include_disabled; signature keys left out, as in ListWebhookSubscriptions),
// GET and DELETE /v2/webhooks/subscriptions/{id}; and the Developer Dashboard's "Webhooks -> Subscriptions"
// page (GET /developer/webhooks) where a person adds one and copies its signature key. Square sends each event
// to every enabled subscription listing its type, signed with that subscription's key and URL (fake-square.ts).
// One deviation: Square refuses a notification URL that is not HTTPS; the fake also takes http:// on this
// machine's loopback (127.0.0.1, localhost), where the development server listens without TLS.
import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { escapeHtml, redirect, sendHtml, sendJson, type FakeRequest } from './fake-http.js';

export interface FakeSquareSubscription {
  id: string;
  name: string;
  enabled: boolean;
  event_types: string[];
  notification_url: string;
  api_version: string;
  signature_key: string;
  created_at: string;
  updated_at: string;
}

/** What a merchant (its application) of the fake holds for webhooks. */
export interface SquareWebhookOwner {
  merchantId: string;
  applicationId: string;
  /** The notification URL set by the code that started the fake (the demo connection's): every event goes there. */
  webhook?: { notificationUrl: string; signatureKey: string };
  subscriptions?: FakeSquareSubscription[];
}

/** The events the fake sends (Square has many more; a subscription may list any, these are the ones that come). */
export const SQUARE_EVENT_TYPES = ['payment.created', 'payment.updated', 'refund.created', 'refund.updated'] as const;

type Json = Record<string, unknown>;
type Answer = { status: number; body: unknown };

function squareError(category: string, code: string, detail: string, field?: string) {
  return { errors: [{ category, code, detail, ...(field ? { field } : {}) }] };
}
const invalid = (code: string, detail: string, field: string): Answer => ({
  status: 400,
  body: squareError('INVALID_REQUEST_ERROR', code, detail, field),
});

/** Square's rule (HTTPS), with the loopback exception of this fake (the file's header). */
function notificationUrlProblem(raw: string): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'The notification URL is not a valid URL.';
  }
  if (u.protocol === 'https:') return null;
  if (u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) return null;
  return 'The notification URL must use HTTPS.';
}

/** CreateWebhookSubscription: validates as Square does and adds the subscription to the owner. */
export function createSubscription(owner: SquareWebhookOwner, body: Json, defaultApiVersion: string, signatureKey?: string): Answer {
  const sub = body.subscription;
  if (!sub || typeof sub !== 'object' || Array.isArray(sub))
    return invalid('MISSING_REQUIRED_PARAMETER', 'Field must be set', 'subscription');
  const s = sub as Json;
  const url = typeof s.notification_url === 'string' ? s.notification_url.trim() : '';
  if (!url) return invalid('MISSING_REQUIRED_PARAMETER', 'Field must be set', 'subscription.notification_url');
  const urlProblem = notificationUrlProblem(url);
  if (urlProblem) return invalid('INVALID_VALUE', urlProblem, 'subscription.notification_url');
  const types = s.event_types;
  if (!Array.isArray(types) || types.length === 0)
    return invalid('MISSING_REQUIRED_PARAMETER', 'Field must be set', 'subscription.event_types');
  if (!types.every((t) => typeof t === 'string' && /^[a-z_]+(\.[a-z_]+)+$/.test(t)))
    return invalid('INVALID_VALUE', 'Invalid event type.', 'subscription.event_types');
  if (s.name !== undefined && (typeof s.name !== 'string' || s.name.length > 64))
    return invalid('INVALID_VALUE', 'Field must be a string of at most 64 characters.', 'subscription.name');
  const now = new Date().toISOString();
  const created: FakeSquareSubscription = {
    id: `wbhk_${randomBytes(16).toString('hex')}`,
    name: typeof s.name === 'string' ? s.name : '',
    enabled: s.enabled !== false,
    event_types: [...new Set(types as string[])],
    notification_url: url,
    api_version: typeof s.api_version === 'string' && s.api_version ? s.api_version : defaultApiVersion,
    signature_key: signatureKey ?? randomBytes(16).toString('base64url'),
    created_at: now,
    updated_at: now,
  };
  (owner.subscriptions ??= []).push(created);
  return { status: 200, body: { subscription: { ...created } } };
}

/**
 * What Square keeps and this fake forgets when it restarts: a subscription of the owner at `url` (all the events
 * the fake sends) signed with `signatureKey`, as a connection saved them (seed/demo-processors.ts). One per URL:
 * a URL the owner already sends to (the demo's `webhook`, set at start, or a subscription) keeps it, signed from
 * now on with this key, the one the shop verifies with. Returns whether a subscription was added.
 */
export function restoreSubscription(owner: SquareWebhookOwner, url: string, signatureKey: string, apiVersion: string): boolean {
  if (owner.webhook?.notificationUrl === url) {
    owner.webhook.signatureKey = signatureKey;
    return false;
  }
  const existing = (owner.subscriptions ?? []).find((s) => s.notification_url === url);
  if (existing) {
    existing.signature_key = signatureKey;
    return false;
  }
  const subscription = { name: 'Ledgerline', notification_url: url, event_types: [...SQUARE_EVENT_TYPES] };
  return createSubscription(owner, { subscription }, apiVersion, signatureKey).status === 200;
}

/** The subscriptions an event of `type` goes to. */
export function subscriptionsFor(owner: SquareWebhookOwner, type: string): FakeSquareSubscription[] {
  return (owner.subscriptions ?? []).filter((s) => s.enabled && s.event_types.includes(type));
}

/** Routes /v2/webhooks/subscriptions[/{id}] for an authenticated owner; false when the path is another API's. */
export function handleSubscriptionsApi(
  req: FakeRequest,
  res: ServerResponse,
  owner: SquareWebhookOwner,
  body: Json | null,
  apiVersion: string,
): boolean {
  if (req.path === '/v2/webhooks/subscriptions') {
    if (req.method === 'POST') {
      const answer = createSubscription(owner, body ?? {}, apiVersion);
      sendJson(res, answer.status, answer.body);
      return true;
    }
    if (req.method === 'GET') {
      const all = req.query.get('include_disabled') === 'true';
      const list = (owner.subscriptions ?? []).filter((s) => all || s.enabled).map(({ signature_key: _key, ...rest }) => rest);
      sendJson(res, 200, list.length === 0 ? {} : { subscriptions: list });
      return true;
    }
    return false;
  }
  const m = /^\/v2\/webhooks\/subscriptions\/([^/]+)$/.exec(req.path);
  if (!m || (req.method !== 'GET' && req.method !== 'DELETE')) return false;
  const id = decodeURIComponent(m[1]!);
  const at = (owner.subscriptions ?? []).findIndex((s) => s.id === id);
  if (at === -1) {
    sendJson(res, 404, squareError('INVALID_REQUEST_ERROR', 'NOT_FOUND', `Subscription with id ${id} not found.`));
    return true;
  }
  if (req.method === 'GET') sendJson(res, 200, { subscription: { ...owner.subscriptions![at]! } });
  else {
    owner.subscriptions!.splice(at, 1);
    sendJson(res, 200, {});
  }
  return true;
}

/**
 * The Developer Dashboard's Webhooks pages (developer.squareup.com -> the application -> Webhooks ->
 * Subscriptions -> Add subscription): GET /developer/webhooks lists each application's subscriptions with their
 * signature keys; POST /developer/webhooks/subscriptions adds one (applicationId, name, notification_url,
 * event_types). False when the request is not for these pages.
 */
export function handleDashboard(req: FakeRequest, res: ServerResponse, owners: SquareWebhookOwner[], apiVersion: string): boolean {
  if (req.method === 'GET' && (req.path === '/developer' || req.path === '/developer/webhooks')) {
    const added = req.query.get('added') ?? '';
    sendHtml(res, 200, dashboardHtml(owners, added));
    return true;
  }
  if (req.method === 'POST' && req.path === '/developer/webhooks/subscriptions') {
    const form = new URLSearchParams(req.rawBody.toString('utf8'));
    const owner = owners.find((o) => o.applicationId === form.get('applicationId'));
    if (!owner) {
      sendHtml(res, 404, shell('Unknown application', '<p>This application does not exist.</p>'));
      return true;
    }
    // As the fake PayPal's "Add Webhook": the same URL again (after a restart of the fake, say) gives the same
    // signature key, so the key a shop saved keeps working once its owner adds the URL again.
    const url = form.get('notification_url')?.trim() ?? '';
    const existing = (owner.subscriptions ?? []).find((s) => s.notification_url === url);
    if (existing) {
      redirect(res, `/developer/webhooks?added=${encodeURIComponent(existing.id)}`);
      return true;
    }
    const key = createHash('sha256').update(`${owner.applicationId} ${url}`).digest('base64url').slice(0, 22);
    const answer = createSubscription(
      owner,
      {
        subscription: {
          name: form.get('name')?.trim() || 'Ledgerline',
          notification_url: url,
          event_types: form.getAll('event_types'),
        },
      },
      apiVersion,
      key,
    );
    if (answer.status !== 200) {
      const detail = (answer.body as { errors: { detail: string; field?: string }[] }).errors[0]!;
      const what = detail.field === 'subscription.event_types' ? 'Choose at least one event.' : detail.detail;
      sendHtml(res, 400, shell('Subscription not created', `<p id="error">Your webhook was not created. ${escapeHtml(what)}</p>`));
      return true;
    }
    const id = (answer.body as { subscription: FakeSquareSubscription }).subscription.id;
    redirect(res, `/developer/webhooks?added=${encodeURIComponent(id)}`);
    return true;
  }
  return false;
}

function dashboardHtml(owners: SquareWebhookOwner[], added: string): string {
  const addedSub = owners.flatMap((o) => o.subscriptions ?? []).find((s) => s.id === added);
  const notice = addedSub
    ? `<p id="added">Subscription added. Its signature key is <strong><code id="signature-key">${escapeHtml(addedSub.signature_key)}</code></strong>: paste it into the Square card's Webhook signature key in Settings -&gt; Payments, save, and Test connection.</p>`
    : '';
  const events = SQUARE_EVENT_TYPES.map((t) => `<label><input type="checkbox" name="event_types" value="${t}" checked> ${t}</label>`).join(
    ' ',
  );
  const apps = owners
    .map((o) => {
      const subscribed = (o.subscriptions ?? []).map(
        (s) =>
          `<tr><td>${escapeHtml(s.name)}<br><code>${escapeHtml(s.id)}</code></td><td>${escapeHtml(s.notification_url)}</td><td>${s.event_types.map(escapeHtml).join(', ')}</td><td><code>${escapeHtml(s.signature_key)}</code></td></tr>`,
      );
      if (o.webhook)
        subscribed.push(
          `<tr><td>Set when the fake started</td><td>${escapeHtml(o.webhook.notificationUrl)}</td><td>all</td><td><code>${escapeHtml(o.webhook.signatureKey)}</code></td></tr>`,
        );
      const rows = subscribed.join('') || '<tr><td colspan="4">No subscriptions yet.</td></tr>';
      return `<section><h2>Application <code>${escapeHtml(o.applicationId)}</code></h2>
<table><thead><tr><th>Name</th><th>Notification URL</th><th>Events</th><th>Signature key</th></tr></thead><tbody>${rows}</tbody></table>
<h3>Add subscription</h3>
<form method="post" action="/developer/webhooks/subscriptions"><input type="hidden" name="applicationId" value="${escapeHtml(o.applicationId)}">
<label>Webhook name <input name="name" value="Ledgerline" maxlength="64"></label>
<label>Notification URL <input type="url" name="notification_url" required placeholder="http://127.0.0.1:3000/webhooks/square/pcn_..."></label>
<fieldset><legend>Events</legend>${events}</fieldset>
<button type="submit">Save</button></form></section>`;
    })
    .join('');
  return shell(
    'Square Developer: Webhooks (fake sandbox)',
    `<h1>Square Developer: Webhooks (fake sandbox)</h1>${notice}<p>Square sends each event to every subscription of the application that lists it, signed with that subscription's signature key.</p>${apps}`,
  );
}

function shell(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font:16px system-ui,sans-serif;max-width:56rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4rem;text-align:left;word-break:break-all}label{display:block;margin:.5rem 0}fieldset label{display:inline-block;margin-right:1rem}input[type=url],input[name=name]{display:block;width:100%;font-size:1rem;padding:.6rem;box-sizing:border-box}button{min-height:44px;font-size:1rem;padding:0 1rem}</style></head>
<body>${body}</body></html>`;
}
