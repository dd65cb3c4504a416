// Shared set-up for the invoice tests: a movable clock, the fake processor, the app configured to use it.
import { FakePaymentProcessor } from '../../../src/dev/fake-payment-processor.js';
import type { Clock } from '../../../src/platform/clock.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';

export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

export class MovableClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

export async function startProcessorApp(opts: { env?: Record<string, string>; clock?: Clock } = {}): Promise<{ t: TestApp; processor: FakePaymentProcessor }> {
  const processor = await new FakePaymentProcessor({ webhookSecret: WEBHOOK_SECRET, apiKey: 'proc-test-key' }).start();
  const t = await createTestApp({
    clock: opts.clock,
    env: {
      PAYMENT_PROCESSOR_API_URL: processor.url,
      PAYMENT_PROCESSOR_API_KEY: 'proc-test-key',
      PAYMENT_PROCESSOR_WEBHOOK_SECRET: WEBHOOK_SECRET,
      PUBLIC_BASE_URL: 'http://shop.test',
      ...opts.env,
    },
  });
  return { t, processor };
}
