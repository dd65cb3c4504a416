// Fails the GET of a record's action page in the browser (the server answers 500) until the test lets it through,
// counting the GETs: AdminJS's record-action route then keeps the record of the page the admin came from, and the page
// must ask for its own data (src/surfaces/admin/components/use-action-data.ts). Other methods (a Save's POST) pass.
import type { Page } from 'playwright-core';

export interface FailingLoad {
  /** How many GETs of the action were made since the route was set. */
  gets: () => number;
  /** Lets the following GETs through. */
  let: () => void;
  /** Removes the route (call in a finally). */
  unroute: () => Promise<void>;
}

/**
 * Fails every GET of `/admin/api/resources/<resourceId>/records/<recordId>/<action>` until `let()`, or only the first
 * `times` GETs when given.
 */
export async function failingLoad(
  page: Page,
  target: { resourceId: string; recordId: string; action: string; times?: number },
): Promise<FailingLoad> {
  const url = `**/admin/api/resources/${target.resourceId}/records/${target.recordId}/${target.action}`;
  const state = { failing: true, gets: 0 };
  await page.route(url, async (route) => {
    if (route.request().method() !== 'GET') return route.continue();
    state.gets += 1;
    if (target.times !== undefined && state.gets > target.times) state.failing = false;
    if (state.failing) return route.fulfill({ status: 500, contentType: 'application/json', body: '{}' });
    return route.continue();
  });
  return {
    gets: () => state.gets,
    let: () => {
      state.failing = false;
    },
    unroute: () => page.unroute(url),
  };
}
