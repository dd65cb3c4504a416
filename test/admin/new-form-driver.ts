// Drives the panel's New forms in Chromium as a person fills them, for the New-form browser tests
// (admin-new-forms, admin-more-new-forms): open the form signed in as someone, fill text, pick from AdminJS's
// selects, tick its drawn checkboxes, save, and read the show page.
import { expect } from 'vitest';
import { waitFor } from '../helpers/wait-for.js';
import type { BrowserSession } from './browser-session.js';

export function newFormDriver(ctx: { browser: () => BrowserSession; baseUrl: () => string }) {
  let signedInAs = '';
  const page = () => ctx.browser().page;
  /** AdminJS's checkbox: a hidden input under a drawn box. */
  const checkbox = (name: string) => page().locator(`input[type="checkbox"][name="${name}"]`).first();

  return {
    /** Who the browser is signed in as, for a test that signed in by itself. */
    signedIn(email: string) {
      signedInAs = email;
    },

    /** Signs in as `email` (unless already), opens the resource's New form and waits for its first field. */
    async openNew(resource: string, email: string, firstField: string, name: string) {
      const browser = ctx.browser();
      browser.reportFailure(name);
      if (signedInAs !== email) {
        await browser.signInForNextPage(ctx.baseUrl(), email);
        signedInAs = email;
      }
      // After the sign-in: a request the previous admin's page still had in flight is answered 401 once their
      // session ends, and belongs to no form of this case (it failed CI once, in admin-shop-currency.browser).
      browser.trail.length = 0;
      await page().goto(`${ctx.baseUrl()}/admin/resources/${resource}/actions/new`);
      await page().locator(`[name="${firstField}"], #${firstField}, [data-testid="property-edit-${firstField}"] input`).first().waitFor();
      return page();
    },

    fill: (name: string, value: string) => page().locator(`[name="${name}"]`).first().fill(value),

    /** AdminJS's select (react-select): type the option's words and take it. */
    async pick(id: string, label: string) {
      await page().locator(`#${id}, [data-testid="property-edit-${id}"] input`).first().fill(label);
      await page().keyboard.press('Enter');
    },

    /** The select offers exactly `expected` for what was typed (a reference select asks the server: wait for its answer). */
    async expectOffered(id: string, typed: string, expected: string[]) {
      const field = page().locator(`[data-testid="property-edit-${id}"]`);
      await field.locator('input').first().fill(typed);
      await expect
        .poll(() => field.locator('[class*="option"]').allTextContents(), { message: `${id} options for "${typed}"` })
        .toEqual(expected);
      await field.locator('input').first().fill('');
      await page().keyboard.press('Escape');
    },

    /** A reference select: type part of the record's name and take the option that names it. */
    async pickReference(id: string, typed: string, title: string) {
      const field = page().locator(`[data-testid="property-edit-${id}"]`);
      await field.locator('input').first().fill(typed);
      await field.locator('[class*="option"]', { hasText: title }).first().click();
      await expect.poll(() => field.textContent()).toContain(title);
    },

    /** AdminJS's checkbox is a hidden input under a drawn box: a click event on the input is what a click on the box sends. */
    async tick(name: string) {
      const box = checkbox(name);
      await box.dispatchEvent('click');
      await expect.poll(() => box.isChecked()).toBe(true);
    },

    /** A tick box the New form opens ticked, as its column's default is (components/filled-when-new.tsx). */
    async opensTicked(name: string) {
      await expect.poll(() => checkbox(name).isChecked(), { message: `${name} opens ticked` }).toBe(true);
    },

    /** Whether a tick box is ticked now. */
    isTicked: (name: string) => checkbox(name).isChecked(),

    /** A text field the New form opens holding `value`. */
    async opensWith(name: string, value: string) {
      const input = page().locator(`[name="${name}"]`).first();
      await expect.poll(() => input.inputValue(), { message: `${name} opens with ${value}` }).toBe(value);
    },

    /**
     * Saves; the panel then opens the new record's page with a notice. Returns the new row (found by `find`, which
     * must match nothing before the save) once it exists.
     */
    async save<T extends { id: string }>(resource: string, find: () => Promise<T | null>): Promise<T> {
      expect(await find(), `${resource}: a row already matched before the save`).toBeNull();
      await ctx.browser().shot(`${resource}-1-filled`);
      await page().locator('[data-testid="button-save"], form button[type="submit"]').first().click();
      // The panel opens the record created (resources/open-new-record.ts).
      await page().waitForURL(/\/records\/[^/]+\/show(\?|$)/, { timeout: 60_000 });
      const row = await waitFor(`${resource} saved`, find);
      expect(new URL(page().url()).pathname).toBe(`/admin/resources/${resource}/records/${row.id}/show`);
      return row;
    },

    /** The show page holds every text, and no panel request failed. */
    async shows(texts: string[], resource: string) {
      // The page's frame shows before the record arrives, and the page opened after a save (?refresh=true) loads
      // the record again: wait until every text shows at once, not for one read.
      const missing = async () => {
        const body = (await page().textContent('body')) ?? '';
        return texts.filter((t) => !body.includes(t));
      };
      await expect.poll(missing, { message: `${resource} show page: texts missing`, timeout: 60_000 }).toEqual([]);
      await ctx.browser().shot(`${resource}-2-show`);
      expect(
        ctx.browser().trail.filter((t) => !t.startsWith('console:')),
        'failed requests',
      ).toEqual([]);
    },
  };
}
