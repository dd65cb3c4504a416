// The contrast (WCAG) of the words in a list cell as Chromium paints them: the text colour of the element holding
// the words, on the first opaque background behind it (presentation/labels.ts contrastRatio).
import type { Page } from 'playwright-core';
import { contrastRatio } from '../../src/surfaces/admin/presentation/labels.js';

export async function cellContrast(page: Page, cellSelector: string): Promise<number> {
  const [text, background] = await page.locator(cellSelector).evaluate((cell) => {
    let el: Element = cell;
    while (el.children.length === 1 && el.children[0]!.textContent === el.textContent) el = el.children[0]!;
    const hex = (rgb: string) =>
      '#' +
      (rgb.match(/\d+(\.\d+)?/g) ?? [])
        .slice(0, 3)
        .map((n) => Math.round(Number(n)).toString(16).padStart(2, '0'))
        .join('');
    const opaque = (rgb: string) => !/^rgba\(.*,\s*0\)$/.test(rgb) && rgb !== 'transparent';
    let bg: Element | null = el;
    while (bg && !opaque(getComputedStyle(bg).backgroundColor)) bg = bg.parentElement;
    return [hex(getComputedStyle(el).color), hex(bg ? getComputedStyle(bg).backgroundColor : 'rgb(255, 255, 255)')];
  });
  return contrastRatio(text, background);
}
