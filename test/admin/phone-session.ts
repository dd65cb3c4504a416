// The set-up the panel's phone browser tests share (admin-address-phone, admin-order-phone): the real app, one
// Chromium as a phone (PHONE: 390x844, touch), and a shop whose owner is signed in on it.
import { afterAll, beforeAll } from 'vitest';
import { factories } from '../helpers/factories.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, PHONE, type BrowserSession } from './browser-session.js';

export interface SignedInPhone {
  readonly app: RunningAdmin;
  readonly browser: BrowserSession;
  /** The shop the owner is signed in to. */
  readonly tenantId: string;
}

/**
 * Before the file's tests: starts the app, opens the phone browser (screenshots in test-output/`outDir`), makes a
 * shop with an admin `email` and signs them in; after them, closes both. The returned object reads the live ones.
 */
export function useSignedInPhone(outDir: string, email: string): SignedInPhone {
  const f = factories();
  let app: RunningAdmin | undefined;
  let browser: BrowserSession | undefined;
  let tenantId: string | undefined;

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser(outDir, PHONE);
    tenantId = (await f.tenant({})).id;
    await f.adminUser({ tenantId, email });
    await browser.signIn(app.baseUrl, email);
  }, 360_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const live = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not set up yet: use it inside a test or a hook`);
    return value;
  };
  return {
    get app() {
      return live(app, 'the admin app');
    },
    get browser() {
      return live(browser, 'the phone browser');
    },
    get tenantId() {
      return live(tenantId, 'the shop');
    },
  };
}
