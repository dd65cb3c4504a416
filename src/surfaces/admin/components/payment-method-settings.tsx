// Shop settings -> the payment methods' handle, instructions and pay window, one labelled row per method: the
// methods ticked under "Enabled payment methods" (following the ticks as they change) and any method with
// something saved, so nothing saved is hidden. It edits two columns, paymentInstructions ({ METHOD: { handle,
// instructions } }) and paymentWindowMinutes ({ METHOD: minutes }), as AdminJS's flattened params
// (paymentInstructions.VENMO_P2P.handle ...). What it sends is what was typed: the server trims, drops what is
// empty, reads "2 hours" as 120 minutes and checks the bounds (schemas/tenant-settings.schema.ts), and its
// refusals are shown under the input they concern. Nothing is changed until an input is: a form saved
// untouched posts back the saved values as they were.
import React, { useState } from 'react';
import { Box, FormGroup, Label, Text } from '@adminjs/design-system';
import { flat, PropertyLabel, type EditPropertyProps } from 'adminjs';

interface Method {
  value: string;
  label: string;
  defaultMinutes: number;
}
type Unit = 'minutes' | 'hours';
type Entry = { handle?: unknown; instructions?: unknown };

const INSTRUCTIONS = 'paymentInstructions';
const WINDOWS = 'paymentWindowMinutes';

/** 44 px tall (a finger's target), 16 px text (iOS Safari zooms in on smaller). */
const field: React.CSSProperties = {
  boxSizing: 'border-box',
  width: '100%',
  minHeight: 44,
  fontSize: 16,
  padding: '8px 10px',
  border: '1px solid #C0C0CA',
  borderRadius: 4,
  background: '#fff',
};
const errorText: React.CSSProperties = { color: '#C0392B', marginTop: 4 };
/** Read by a screen reader, not drawn: the unit's select sits beside the window's labelled input. */
const visuallyHidden: React.CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
};

const objectAt = (params: Record<string, unknown> | undefined, path: string): Record<string, unknown> => {
  const v: unknown = flat.get((params ?? {}) as Parameters<typeof flat.get>[0], path);
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
};

const enabledIn = (params: Record<string, unknown> | undefined): string[] => {
  const v: unknown = flat.get((params ?? {}) as Parameters<typeof flat.get>[0], 'enabledPaymentMethods');
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : [];
};

const hasSomething = (v: unknown): boolean =>
  v !== undefined && v !== null && v !== '' && !(typeof v === 'object' && Object.values(v as object).every((x) => !hasSomething(x)));

/** "2 days", "4 hours", "90 minutes". */
export function durationWords(minutes: number): string {
  const plural = (n: number, w: string) => `${n.toLocaleString('en-US')} ${w}${n === 1 ? '' : 's'}`;
  if (minutes % 1440 === 0) return plural(minutes / 1440, 'day');
  if (minutes % 60 === 0) return plural(minutes / 60, 'hour');
  return plural(minutes, 'minute');
}

/** A saved (or typed and refused) window as the input shows it: whole hours in hours, anything else as typed. */
function typedWindow(v: unknown): { text: string; unit: Unit } {
  if (v === undefined || v === null || v === '') return { text: '', unit: 'hours' };
  const s = String(v).trim();
  const hours = /^(.*?)\s*hours?$/i.exec(s);
  if (hours) return { text: hours[1]!, unit: 'hours' };
  if (/^\d+$/.test(s) && Number(s) % 60 === 0 && Number(s) > 0) return { text: String(Number(s) / 60), unit: 'hours' };
  return { text: s, unit: 'minutes' };
}

/**
 * The number typed, in the other unit (2 hours -> 120 minutes), or the text as it is when it is no number. A decimal
 * comma ("1,5") is read as the server reads it; the result is rounded to 3 decimals, so 8.2 hours shows as 492
 * minutes, not floating point's 491.99999999999994.
 */
function convert(text: string, to: Unit): string {
  const n = Number(text.trim().replace(/^(\d+),(\d{1,2})$/, '$1.$2'));
  if (text.trim() === '' || !Number.isFinite(n)) return text;
  return String(Math.round((to === 'minutes' ? n * 60 : n / 60) * 1000) / 1000);
}

const methodsOf = (property: EditPropertyProps['property']): Method[] =>
  ((property.custom as { methods?: Method[] } | undefined)?.methods ?? []).filter((m) => m && m.value);

const PaymentMethodSettings: React.FC<EditPropertyProps> = (props) =>
  props.where === 'edit' ? <PaymentMethodsEdit {...props} /> : <PaymentMethodsShow {...props} />;

/** The show page: per method, what customers are told and how long an order waits, in words. */
const PaymentMethodsShow: React.FC<EditPropertyProps> = ({ property, record }) => {
  const instructions = objectAt(record?.params, INSTRUCTIONS);
  const windows = objectAt(record?.params, WINDOWS);
  const enabled = enabledIn(record?.params);
  const rows = methodsOf(property).filter(
    (m) => enabled.includes(m.value) || hasSomething(instructions[m.value]) || hasSomething(windows[m.value]),
  );
  return (
    <Box mb="xl" data-testid="payment-method-settings-show">
      <PropertyLabel property={property} />
      {rows.length === 0 ? <Text>None</Text> : null}
      {rows.map((m) => {
        const entry = (instructions[m.value] ?? {}) as Entry;
        const minutes = Number(windows[m.value]);
        const own = hasSomething(windows[m.value]) && Number.isInteger(minutes);
        return (
          <Box key={m.value} mb="default" data-testid={`payment-method-show-${m.value}`}>
            <Text fontWeight="bold">
              {m.label}
              {enabled.includes(m.value) ? '' : ' (not enabled)'}
            </Text>
            <Text>Handle: {typeof entry.handle === 'string' && entry.handle ? entry.handle : '(none)'}</Text>
            <Text style={{ whiteSpace: 'pre-wrap' }}>
              Instructions: {typeof entry.instructions === 'string' && entry.instructions ? entry.instructions : '(none)'}
            </Text>
            <Text>Pay window: {own ? durationWords(minutes) : `${durationWords(m.defaultMinutes)} (default)`}</Text>
          </Box>
        );
      })}
    </Box>
  );
};

const PaymentMethodsEdit: React.FC<EditPropertyProps> = ({ property, record, onChange }) => {
  const params = record?.params;
  const errors = (record?.errors ?? {}) as Record<string, { message?: string } | undefined>;
  const instructions = objectAt(params, INSTRUCTIONS);
  const windows = objectAt(params, WINDOWS);
  const methods = methodsOf(property);
  // Rows never disappear while the form is open (a row emptied stays to be filled again); ticking a method adds its row.
  const [listed] = useState<string[]>(() =>
    methods.filter((m) => hasSomething(instructions[m.value]) || hasSomething(windows[m.value])).map((m) => m.value),
  );
  const [typed, setTyped] = useState<Record<string, { text: string; unit: Unit }>>(() =>
    Object.fromEntries(methods.map((m) => [m.value, typedWindow(windows[m.value])])),
  );
  const enabled = enabledIn(params);
  const rows = methods.filter((m) => enabled.includes(m.value) || listed.includes(m.value));

  const setInstruction = (method: string, key: 'handle' | 'instructions', value: string) => {
    const entry = { ...((instructions[method] ?? {}) as Record<string, unknown>), [key]: value };
    const kept = Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== '' && v !== undefined && v !== null));
    const next = { ...instructions };
    if (Object.keys(kept).length) next[method] = kept;
    else delete next[method];
    onChange(INSTRUCTIONS, next);
  };
  const setWindow = (method: string, text: string, unit: Unit) => {
    setTyped((t) => ({ ...t, [method]: { text, unit } }));
    const next = { ...windows };
    if (text.trim() === '') delete next[method];
    else next[method] = unit === 'hours' ? `${text.trim()} hours` : text.trim();
    onChange(WINDOWS, next);
  };
  const errorOf = (path: string) => errors[path]?.message;
  const groupErrors = [errorOf(INSTRUCTIONS), errorOf(WINDOWS)].filter(Boolean);

  return (
    <FormGroup error={groupErrors.length > 0} data-testid="payment-method-settings">
      <PropertyLabel property={property} />
      {property.description ? (
        <Text mb="default" style={{ fontSize: 14 }}>
          {property.description}
        </Text>
      ) : null}
      {groupErrors.map((e) => (
        <Text key={e} role="alert" style={errorText} data-testid="payment-method-settings-error">
          {e}
        </Text>
      ))}
      {rows.length === 0 ? <Text>Tick a payment method above to give its instructions and pay window.</Text> : null}
      {rows.map((m) => {
        const entry = (instructions[m.value] ?? {}) as Entry;
        const win = typed[m.value] ?? { text: '', unit: 'hours' as Unit };
        const id = (what: string) => `pm-${m.value}-${what}`;
        const defaultInUnit = win.unit === 'hours' ? m.defaultMinutes / 60 : m.defaultMinutes;
        const fieldError = (path: string, errId: string) => {
          const e = errorOf(path);
          return e ? (
            <Text id={errId} role="alert" style={errorText} data-testid={`error-${path}`}>
              {e}
            </Text>
          ) : null;
        };
        return (
          <Box
            key={m.value}
            as="fieldset"
            mb="lg"
            p="default"
            style={{ border: '1px solid #E0E0E8', borderRadius: 4, minWidth: 0 }}
            data-testid={`payment-method-row-${m.value}`}
          >
            <legend style={{ fontWeight: 'bold', padding: '0 4px' }}>
              {m.label}
              {enabled.includes(m.value) ? '' : ' (not enabled)'}
            </legend>
            <Box mb="default">
              <Label htmlFor={id('handle')}>{m.label}: handle</Label>
              <input
                id={id('handle')}
                name={`${INSTRUCTIONS}.${m.value}.handle`}
                value={typeof entry.handle === 'string' ? entry.handle : ''}
                placeholder="e.g. @yourshop"
                aria-invalid={errorOf(`${INSTRUCTIONS}.${m.value}.handle`) ? true : undefined}
                aria-describedby={id('handle-error')}
                onChange={(e) => setInstruction(m.value, 'handle', e.target.value)}
                style={field}
              />
              {fieldError(`${INSTRUCTIONS}.${m.value}.handle`, id('handle-error'))}
            </Box>
            <Box mb="default">
              <Label htmlFor={id('instructions')}>{m.label}: instructions</Label>
              <textarea
                id={id('instructions')}
                name={`${INSTRUCTIONS}.${m.value}.instructions`}
                rows={2}
                value={typeof entry.instructions === 'string' ? entry.instructions : ''}
                placeholder={`e.g. Pay @yourshop on ${m.label}`}
                aria-invalid={errorOf(`${INSTRUCTIONS}.${m.value}.instructions`) ? true : undefined}
                aria-describedby={id('instructions-error')}
                onChange={(e) => setInstruction(m.value, 'instructions', e.target.value)}
                style={{ ...field, resize: 'vertical' }}
              />
              {fieldError(`${INSTRUCTIONS}.${m.value}.instructions`, id('instructions-error'))}
            </Box>
            <Box>
              <Label htmlFor={id('window')}>{m.label}: pay window</Label>
              <Box style={{ display: 'flex', gap: 8 }}>
                <input
                  id={id('window')}
                  name={`${WINDOWS}.${m.value}`}
                  inputMode="decimal"
                  value={win.text}
                  placeholder={`${defaultInUnit} (default)`}
                  aria-invalid={errorOf(`${WINDOWS}.${m.value}`) ? true : undefined}
                  aria-describedby={id('window-error')}
                  onChange={(e) => setWindow(m.value, e.target.value, win.unit)}
                  style={{ ...field, flex: '1 1 auto' }}
                />
                <label htmlFor={id('window-unit')} style={visuallyHidden}>
                  {m.label}: pay window unit
                </label>
                <select
                  id={id('window-unit')}
                  name={`${WINDOWS}.${m.value}.unit`}
                  value={win.unit}
                  onChange={(e) => {
                    const unit = e.target.value as Unit;
                    setWindow(m.value, convert(win.text, unit), unit);
                  }}
                  style={{ ...field, width: 'auto', flex: '0 0 auto' }}
                >
                  <option value="hours">hours</option>
                  <option value="minutes">minutes</option>
                </select>
              </Box>
              {fieldError(`${WINDOWS}.${m.value}`, id('window-error'))}
            </Box>
          </Box>
        );
      })}
    </FormGroup>
  );
};

export default PaymentMethodSettings;
