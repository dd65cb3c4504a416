// The Payments settings form's save against the connection as the form loaded it (docs/decisions/admin-forms.md,
// "Stale forms"). The page carries `loaded`: the environment and settings it showed, the secrets' last 4 and one
// version per secret (an HMAC under a key derived from the secret box: it tells whether a secret changed, never
// what it is). Under the connection's row lock the save writes only the fields the admin changed, refuses a field
// the admin and someone else both changed, and refuses a secret left empty ("keep the stored one") when the stored
// one changed since the form loaded, or a typed secret when a setting changed since (the client ID it belongs to):
// either way the secret saved would not go with the settings the admin saw.
// A version is compared with the stored secret's plaintext under every key of the keyring: a key rotation changes
// the key new versions are made with, never whether a secret is the one the form loaded.
import { createHmac } from 'node:crypto';
import { AppError } from '../../../platform/errors.js';
import { FORM_OUT_OF_DATE, formEdits, parseShown, sameValue, staleFormRefusal, type FormConflict } from '../../../platform/form-edits.js';
import { openSecret, type SecretBox } from '../../../platform/secret-box.js';

/** What the form loaded, as the page carries it (no secret; its versions only). */
export interface LoadedConnectionForm {
  environment: string;
  config: Record<string, unknown>;
  secretHints: Record<string, string>;
  secretVersions: Record<string, string>;
}

const VERSION_KEY = 'payment-connection-secret-version';

const versionOf = (key: Buffer, field: string, value: string) => createHmac('sha256', key).update(`${field}\0${value}`).digest('base64url');

function openSecrets(box: SecretBox, sealed: string | null): Record<string, string> {
  if (!sealed) return {};
  try {
    return JSON.parse(openSecret(box, sealed)) as Record<string, string>;
  } catch {
    return {};
  }
}

/** One version per stored secret: equal while the secret is the same, different once it is replaced. */
export function secretVersions(box: SecretBox, sealed: string | null): Record<string, string> {
  const key = box.deriveKey(VERSION_KEY);
  return Object.fromEntries(Object.entries(openSecrets(box, sealed)).map(([field, value]) => [field, versionOf(key, field, value)]));
}

/**
 * Whether `version` (what a form loaded) names the secret stored now: made under any key of the keyring, so a
 * form loaded before a key rotation still recognises the secret it loaded. Both absent is the same (none).
 */
export function isSameSecret(box: SecretBox, version: string | undefined, field: string, plain: string | undefined): boolean {
  if (version === undefined || plain === undefined) return version === undefined && plain === undefined;
  return box.deriveKeys(VERSION_KEY).some((key) => versionOf(key, field, plain) === version);
}

/**
 * Words for a secret that changed since the form loaded (never the secret): the hints when both show a last 4
 * that differs ("client secret ••••1111 -> ••••2222"), else who replaced it and when ("client secret replaced by
 * ann@shop.example at Dec 5, 2026, 1:20 AM UTC"): a short secret's hint is "••••" either way.
 */
export function secretChangeWords(
  field: string,
  shownHint: string | null | undefined,
  nowHint: string | null | undefined,
  change: SecretChange | null,
): string {
  const name = field.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  const tells = (h: string | null | undefined) => !!h && /^•+.{4}$/.test(h) && !/^•+$/.test(h);
  if (tells(shownHint) && tells(nowHint) && shownHint !== nowHint) return `${name} ${shownHint} -> ${nowHint}`;
  const what = change?.removed ? 'removed (disconnected)' : 'replaced';
  return change ? `${name} ${what} by ${change.by} at ${change.at}` : `${name} ${what} since`;
}

/** Who last replaced (or removed) a secret and when, in words (the audit trail's). */
export interface SecretChange {
  by: string;
  at: string;
  removed?: boolean;
}

export function loadedForm(
  box: SecretBox,
  row: { environment: string; config: unknown; secretHints: unknown; secrets: string | null },
): LoadedConnectionForm {
  return {
    environment: row.environment,
    config: (row.config ?? {}) as Record<string, unknown>,
    secretHints: (row.secretHints ?? {}) as Record<string, string>,
    secretVersions: secretVersions(box, row.secrets),
  };
}

function asLoaded(raw: unknown): LoadedConnectionForm | null {
  const v = typeof raw === 'string' ? parseShown(raw) : raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : null;
  if (!v) return null;
  const o = v as Record<string, unknown>;
  const isObject = (x: unknown) => !!x && typeof x === 'object' && !Array.isArray(x);
  if (typeof o.environment !== 'string' || !isObject(o.config) || !isObject(o.secretVersions)) return null;
  return {
    environment: o.environment,
    config: o.config as Record<string, unknown>,
    secretHints: (isObject(o.secretHints) ? o.secretHints : {}) as Record<string, string>,
    secretVersions: o.secretVersions as Record<string, string>,
  };
}

/**
 * The environment and settings to save: the stored ones with the admin's changes. `shown` undefined is no form
 * (seed, code): the input is taken as it is. With no stored connection the form created it: taken as it is.
 * CONFLICT when the form carries no loaded connection (FORM_OUT_OF_DATE), when a changed field was changed by
 * someone else too, or when a secret left empty was replaced since the form loaded (staleFormRefusal's words).
 */
export async function connectionFormSave(args: {
  label: string;
  box: SecretBox;
  shown: unknown;
  stored: { environment: string; config: unknown; secretHints: unknown; secrets: string | null } | null;
  posted: { environment: string; config: Record<string, unknown> };
  /** The secret fields the admin left empty (keep the stored value). */
  keptSecrets: readonly string[];
  /** The secret fields the admin typed. */
  typedSecrets: readonly string[];
  /** Who last replaced a secret and when (read only for a refusal). */
  lastSecretChange: (field: string) => Promise<SecretChange | null>;
}): Promise<{ environment: string; config: Record<string, unknown> }> {
  const { label, box, shown, stored, posted, keptSecrets, typedSecrets } = args;
  if (shown === undefined || !stored) return posted;
  const loaded = asLoaded(shown);
  if (!loaded) throw new AppError('CONFLICT', FORM_OUT_OF_DATE);
  const now = loadedForm(box, stored);
  const postedFields = { environment: posted.environment, ...posted.config };
  const shownFields = { environment: loaded.environment, ...loaded.config };
  const nowFields = { environment: now.environment, ...now.config };
  const { edits, conflicts } = formEdits(postedFields, shownFields, nowFields);
  // A typed secret belongs to the account the form showed: a setting someone else changed since is a conflict
  // even where the admin left it as shown (else a new secret for the old client ID is saved with the new one).
  if (typedSecrets.length) {
    for (const [field, value] of Object.entries(shownFields)) {
      const current = (nowFields as Record<string, unknown>)[field];
      const changedByOther = !sameValue(current, value) && !sameValue(current, (postedFields as Record<string, unknown>)[field]);
      if (changedByOther && !conflicts.some((c) => c.field === field)) conflicts.push({ field, shown: value, now: current });
    }
  }
  const plain = openSecrets(box, stored.secrets);
  const secretConflicts: FormConflict[] = [];
  for (const f of keptSecrets.filter((field) => !isSameSecret(box, loaded.secretVersions[field], field, plain[field]))) {
    const shownHint = loaded.secretHints[f] ?? null;
    const nowHint = now.secretHints[f] ?? null;
    secretConflicts.push({
      field: f,
      shown: shownHint,
      now: nowHint,
      words: secretChangeWords(f, shownHint, nowHint, await args.lastSecretChange(f)),
    });
  }
  const all = [...conflicts, ...secretConflicts];
  if (all.length) {
    const refusal = staleFormRefusal(`The ${label} connection`, all);
    throw new AppError('CONFLICT', refusal.message, { fields: refusal.fields });
  }
  const { environment, ...config } = edits;
  return {
    environment: typeof environment === 'string' ? environment : now.environment,
    config: { ...now.config, ...config },
  };
}
