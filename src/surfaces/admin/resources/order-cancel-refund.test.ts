import { describe, expect, it } from 'vitest';
import { PROCESSOR_REFUND_OUTCOME } from '../../../modules/refunds/refund-money-back.js';
import { cancelRefundAsk, cancelRefundDone } from './order-cancel-refund.js';

describe("the edit form's question before a Save that cancels a paid order", () => {
  const base = {
    orderNumber: 1042,
    currency: 'USD',
    refundCents: 6400,
    processorCents: 6400,
    processorMethod: 'PAYPAL' as const,
    byHandCents: 0,
    byHandMethod: null,
    restockedUnits: 2,
    confirmedCents: null,
  };

  it('says what the processor returns, what goes back in stock, and what to do', () => {
    expect(cancelRefundAsk(base)).toEqual({
      cents: 6400,
      label: 'Confirm the refund of $64.00',
      text: 'Cancelling order #1042 refunds $64.00 to the customer through PayPal and puts 2 items back in stock. Nothing was changed. To go ahead, tick "Confirm the refund of $64.00" and save again.',
    });
  });

  it('a payment made by hand: no money is sent, the admin sends it back', () => {
    const ask = cancelRefundAsk({
      ...base,
      processorCents: 0,
      processorMethod: null,
      byHandCents: 6400,
      byHandMethod: 'VENMO_P2P',
      restockedUnits: 1,
    });
    expect(ask.text).toBe(
      'Cancelling order #1042 records a refund of $64.00 and puts 1 item back in stock. No money is sent: you send $64.00 back to the customer by Venmo yourself. Nothing was changed. To go ahead, tick "Confirm the refund of $64.00" and save again.',
    );
  });

  it('part through the processor, part by hand; an amount confirmed before that is no longer the refund is named', () => {
    const ask = cancelRefundAsk({
      ...base,
      processorCents: 5000,
      processorMethod: 'CASHAPP_PAY',
      byHandCents: 1400,
      byHandMethod: 'CASHAPP_P2P',
      restockedUnits: 0,
      confirmedCents: 5000,
    });
    expect(ask.text).toBe(
      'The refund is no longer the $50.00 you confirmed. Cancelling order #1042 refunds $64.00 to the customer: Cash App Pay returns $50.00, and you send $14.00 back by Cash App (manual) yourself. Nothing was changed. To go ahead, tick "Confirm the refund of $64.00" and save again.',
    );
  });

  it('after the confirmed Save, the notice says what was recorded, and that the processor part is being sent', () => {
    // It said "$64.00 refunded to the customer" while the refund job had not sent anything yet.
    expect(cancelRefundDone(base)).toBe(
      `Refund of $64.00 recorded on order #1042, now cancelled; 2 items back in stock. The money is being sent to PayPal, which returns it to the customer. ${PROCESSOR_REFUND_OUTCOME}`,
    );
    expect(
      cancelRefundDone({
        ...base,
        processorCents: 0,
        processorMethod: null,
        byHandCents: 6400,
        byHandMethod: 'VENMO_P2P',
        restockedUnits: 1,
      }),
    ).toBe(
      'Refund of $64.00 recorded on order #1042, now cancelled; 1 item back in stock. No money was sent: you must send $64.00 back to the customer by Venmo yourself.',
    );
    expect(
      cancelRefundDone({
        ...base,
        processorCents: 5000,
        processorMethod: 'CASHAPP_PAY',
        byHandCents: 1400,
        byHandMethod: 'CASHAPP_P2P',
        restockedUnits: 0,
      }),
    ).toBe(
      `Refund of $64.00 recorded on order #1042, now cancelled. $50.00 is being sent to Cash App Pay, which returns it to the customer. ${PROCESSOR_REFUND_OUTCOME} You must send $14.00 back by Cash App (manual) yourself.`,
    );
  });
});
