// The development start's banner (src/main.ts through tsx, on this file's database, simulator mode): the addresses
// it prints are built from PUBLIC_BASE_URL without its trailing slash (as invoice links are), and on a database
// without the demo shop its "Try it" line names `npm run simulate`'s --guild option: the simulator plays the demo
// shop's server by default, which such a database answers with "This server is not set up for ordering".
import { describe, expect, it } from 'vitest';
import { DEMO } from '../../src/seed/demo-seed.js';
import { testDb } from '../helpers/db.js';
import { devStarts, startMainUntil } from '../helpers/dev-start.js';
import { factories } from '../helpers/factories.js';

const db = testDb();
const f = factories();
const { children } = devStarts();

/** Starts src/main.ts and resolves with its output once the simulator's lines (the banner's last) are out. */
async function bannerOf(env: Record<string, string>): Promise<string> {
  const started = await startMainUntil(env, children, (out) => (/Discord simulator mode: .*\n.*Try it:.*\n/.test(out) ? true : undefined));
  return started.output;
}

describe('the development banner', { timeout: 150_000 }, () => {
  it('strips PUBLIC_BASE_URL of its trailing slash, and names --guild on a database without the demo shop', async () => {
    const s = await f.shop();
    expect(await db.guild.count({ where: { id: DEMO.guildId } })).toBe(0);
    const banner = await bannerOf({ PUBLIC_BASE_URL: 'https://shop.example/' });
    expect(banner).toContain('Ledgerline is running at https://shop.example\n');
    expect(banner).toContain('Admin panel:            https://shop.example/admin\n');
    expect(banner).not.toContain('https://shop.example//');
    const tryIt = /Try it:.*/.exec(banner)![0];
    expect(tryIt).toContain('npm run simulate -- --guild ');
    expect(tryIt).toContain('this database has no demo shop');
    // This file's database holds other tests' shops too: the line names this one's server among them, or alone.
    expect(tryIt).toMatch(new RegExp(`--guild ${s.guild.id} |${s.guild.id} \\(|, …\\)$`));
  });
});
