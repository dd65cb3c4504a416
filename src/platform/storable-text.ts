// Text that cannot be stored, refused where it comes in (Discord's options and modals: surfaces/discord/
// interaction-data.ts; the panel's forms: surfaces/admin/resources/storable-form-text.ts; REST bodies, queries and
// paths and the panel's query strings: surfaces/http/input-hygiene.ts): a NUL character (U+0000),
// which PostgreSQL cannot hold in text nor compare with, and an unpaired UTF-16 surrogate (a JSON "\ud800" escape),
// which is not text at all and which Prisma refuses to write. Either reached the database as a generic failure.

/** An unpaired surrogate: with the u flag, a well-formed pair is one code point and does not match. */
const LONE_SURROGATE = /\p{Cs}/u;

/** What is wrong with `value` as stored text, as the end of a sentence naming it ("… contains …"); null when nothing. */
export function unstorableTextProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'contains a NUL character (\\0), which cannot be saved. Remove it and try again.';
  if (LONE_SURROGATE.test(value))
    return 'contains a broken character (half of an emoji or symbol), which cannot be saved. Remove it and try again.';
  return null;
}
