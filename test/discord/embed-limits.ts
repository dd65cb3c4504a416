// Discord's limits on a message's embeds (shared/docs/discord.md), one rule for the tests that check an answer fits:
// what counts toward the 6,000 characters of a message, and the per-embed limits. Discord refuses an answer past any
// of them, and the phone says "This interaction failed" with the customer's click spent.
import { expect } from 'vitest';

/** An embed as the tests read it off an answer. */
export interface Embed {
  title?: string;
  description?: string;
  color?: number;
  fields?: { name: string; value: string }[];
  footer?: { text?: string };
  author?: { name?: string };
}

/** What Discord counts toward a message's 6,000 characters: title, description, fields' names and values, footer, author. */
export const embedChars = (e: Embed): number =>
  (e.title?.length ?? 0) +
  (e.description?.length ?? 0) +
  (e.fields ?? []).reduce((n, x) => n + x.name.length + x.value.length, 0) +
  (e.footer?.text?.length ?? 0) +
  (e.author?.name?.length ?? 0);

/** All of a message's embeds' characters (at most 6,000). */
export const messageEmbedChars = (embeds: readonly Embed[]): number => embeds.reduce((n, e) => n + embedChars(e), 0);

/** Expects `embeds` within Discord's limits: 10 embeds, 4,096 a description, 25 fields of 1,024, 6,000 in all. */
export function expectEmbedsWithinLimits(embeds: readonly Embed[]): void {
  expect(embeds.length).toBeLessThanOrEqual(10);
  for (const e of embeds) {
    expect(e.description?.length ?? 0).toBeLessThanOrEqual(4096);
    expect(e.fields?.length ?? 0).toBeLessThanOrEqual(25);
    for (const x of e.fields ?? []) expect(x.value.length).toBeLessThanOrEqual(1024);
  }
  expect(messageEmbedChars(embeds)).toBeLessThanOrEqual(6000);
}

/** The embeds of an answer (an interaction's reply or a webhook edit's body). */
export const embedsOf = (res: { data?: { embeds?: unknown } }): Embed[] => (res.data?.embeds ?? []) as Embed[];
