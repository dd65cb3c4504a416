// The order edit form's confirmation of a refund: after a Save that would cancel a paid order (and so refund it)
// was refused, the edit action puts what the cancel does in `refundConfirmationJson` (resources/order-cancel-refund.ts);
// this shows it under Status with a tick box, "Confirm the refund of $64.00", whose tick posts that amount as
// confirmRefundCents. The service goes ahead only when the amount is still the refund it makes. Nothing is drawn
// before such a refusal.
import React from 'react';
import { Box, FormGroup, MessageBox } from '@adminjs/design-system';
import type { EditPropertyProps } from 'adminjs';

interface Ask {
  cents: number;
  text: string;
  label: string;
}

function askOf(raw: unknown): Ask | null {
  try {
    const parsed = JSON.parse(String(raw ?? 'null')) as Ask | null;
    return parsed && typeof parsed.cents === 'number' ? parsed : null;
  } catch {
    return null;
  }
}

const CancelRefundConfirm: React.FC<EditPropertyProps> = ({ property, record, onChange }) => {
  const ask = askOf(record?.params?.refundConfirmationJson);
  if (!ask) return null;
  const checked = String(record?.params?.[property.path] ?? '') === String(ask.cents);
  return (
    <FormGroup data-testid="cancel-refund-confirm">
      <MessageBox mb="lg" variant="danger" message={ask.text} data-testid="cancel-refund-text" />
      <Box>
        <label style={{ display: 'inline-flex', alignItems: 'center', gap: 6, cursor: 'pointer' }}>
          <input
            type="checkbox"
            name={property.path}
            data-testid="cancel-refund-tick"
            checked={checked}
            onChange={(e) => onChange(property.path, e.target.checked ? String(ask.cents) : '')}
          />
          {ask.label}
        </label>
      </Box>
    </FormGroup>
  );
};

export default CancelRefundConfirm;
