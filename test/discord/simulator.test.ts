// `npm run simulate` driven non-interactively (--script), as a test would: a whole order placed, approved
// from the admin-channel message and refunded, against the real app on a port and the fake Discord API.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { APP_ID, startHarness, type Harness } from './harness.js';

let h: Harness;
let server: Server;
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'll-sim-'));
  dirs.push(d);
  return d;
};
const f = factories();
const db = testDb();

beforeAll(async () => {
  h = await startHarness({ worker: true });
  server = h.t.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await h.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// A budget for a run that hangs: starting tsx took over 25 s with the machine's two cores busy.
const SIMULATE_BUDGET_MS = 100_000;

function simulate(argv: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/simulate.ts', '--no-color', ...argv],
      { timeout: SIMULATE_BUDGET_MS, env: { ...process.env, FORCE_COLOR: '0' } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

describe('simulator', { timeout: SIMULATE_BUDGET_MS + 60_000 }, () => {
  it('places, approves and refunds an order from a script', async () => {
    const s = await f.shop();
    const dir = tempDir();
    const secrets = join(dir, 'secrets.json');
    writeFileSync(
      secrets,
      JSON.stringify({ discordPrivateKeyPem: h.t.keys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() }),
    );
    const script = join(dir, 'demo.txt');
    writeFileSync(
      script,
      [
        '/order',
        `select ${s.products[0]!.name}`,
        'modal quantity=1',
        'click Enter new address',
        'modal name="Ana Ruiz" street="9 Pine Rd" city=Austin state=TX postal_country="73301 US"',
        `select ${s.shippingType.name}`,
        'select Zelle',
        'click Confirm & submit',
        'expect Order submitted',
        // The admin-channel post and the customer's DM are jobs: wait for them, not for a quiet moment.
        'wait until message in channel',
        'wait until DM to user',
        'as admin',
        'open admin',
        'click Approve payment',
        'expect Approved by',
        '/refund order:$order reason:"Changed mind"',
        'expect REFUNDED',
        'wait until refund on order',
        'expect refund on order',
      ].join('\n'),
    );
    const { port } = server.address() as AddressInfo;
    const { code, out } = await simulate([
      '--script',
      script,
      '--url',
      `http://127.0.0.1:${port}/discord/interactions`,
      '--fake',
      h.fake.url,
      '--app-id',
      APP_ID,
      '--secrets',
      secrets,
      '--guild',
      s.guild.id,
      '--customer-id',
      s.customer.discordUserId,
      '--admin-role',
      s.tenant.adminRoleIds[0]!,
    ]);
    expect(out).toContain('Order submitted');
    expect(out).toContain('[bot] DM to user');
    expect(code, out).toBe(0);
    const order = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } });
    expect(order.status).toBe('REFUNDED');
  });

  it('fails with a clear message when a step cannot be done', async () => {
    const s = await f.shop();
    const dir = tempDir();
    const secrets = join(dir, 'secrets.json');
    writeFileSync(
      secrets,
      JSON.stringify({ discordPrivateKeyPem: h.t.keys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() }),
    );
    const { port } = server.address() as AddressInfo;
    const { code, out } = await simulate([
      '--url',
      `http://127.0.0.1:${port}/discord/interactions`,
      '--fake',
      h.fake.url,
      '--app-id',
      APP_ID,
      '--secrets',
      secrets,
      '--guild',
      s.guild.id,
      '--command',
      '/orders',
      '--step',
      'click Nothing here',
    ]);
    expect(code).toBe(1);
    expect(out).toMatch(/step failed: click Nothing here/);
  });
});
