// The REST fuzz's inputs: a valid value for a JSON schema of the OpenAPI document (so a mutation of one field
// is refused for that field, not for another), and the malformed values, bodies and headers it is mutated with.
import fc from 'fast-check';

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
}

/** Values for fields whose valid values the schema alone does not say (a real id of the shop, say). */
export type Hints = Record<string, fc.Arbitrary<unknown>>;

const CURRENCY = '^[A-Z]{3}$';

/** A value the schema accepts (within small bounds: a valid amount, not a huge one, is what a mutation starts from). */
export function validValue(schema: JsonSchema, hints: Hints, name = ''): fc.Arbitrary<unknown> {
  if (hints[name]) return hints[name];
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => validValue(s, hints, name)));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer': {
      const min = schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : (schema.minimum ?? -1000);
      return fc.integer({ min: Math.max(min, -1000), max: Math.min(schema.maximum ?? 10_000, Math.max(min, -1000) + 10_000) });
    }
    case 'string': {
      if (schema.format === 'date-time') return fc.constantFrom('2030-01-01T00:00:00Z', '2030-06-30T12:30:00+02:00');
      if (schema.pattern === CURRENCY) return fc.constantFrom('USD', 'EUR', 'JPY', 'GBP');
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength ?? 100));
      return fc.string({ minLength: Math.max(schema.minLength ?? 0, 1), maxLength: Math.min(schema.maxLength ?? 40, 40) });
    }
    case 'array':
      return fc.array(validValue(schema.items ?? {}, hints), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 3, 3),
      });
    case 'object': {
      const props = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, s] of Object.entries(props)) record[key] = validValue(s, hints, key);
      return fc.record(record, { requiredKeys: [...required].filter((k) => k in props) });
    }
    default:
      return fc.constant({});
  }
}

const LONG = 100_000;
const deep = (levels: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = { a: [v] };
  return v;
};

/** Wrong JSON types, edge numbers, hostile text: what goes in place of a field's value. */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -0,
    -1,
    1.5,
    0.1,
    -2147483649,
    2147483648,
    2 ** 53,
    Number.MAX_SAFE_INTEGER,
    9.99e307,
    1e-300,
    '',
    ' ',
    '0',
    '12',
    '-1',
    '1e3',
    'NaN',
    'Infinity',
    'null',
    'true',
    [],
    [1],
    [null],
    {},
    { a: 1 },
    'x'.repeat(LONG),
    'é'.repeat(LONG / 2 - 10),
    'y'.repeat(60_000),
    '\u0000',
    'a\u0000b',
    '\ud800',
    'a\udfffb',
    '\u202e\u200b\ufeff',
    '💥🏳️‍🌈',
    '\u0001\u0007\u001b[31m\u007f',
    'Ω≈ç√∫˜µ≤≥÷',
    "' OR 1=1 --",
    '"; DROP TABLE orders; --',
    '%00',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    '${jndi:ldap://x}',
    '__proto__',
    deep(40),
    deep(200),
  ),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 3 }),
  fc.anything({ maxDepth: 3 }),
);

/** Bodies sent as raw text, each with its content type: not JSON, JSON JSON.stringify cannot produce, other types. */
export const rawBodies: fc.Arbitrary<{ contentType: string; text: string }> = fc.constantFrom(
  { contentType: 'application/json', text: '' },
  { contentType: 'application/json', text: '{' },
  { contentType: 'application/json', text: 'amountCents=5' },
  { contentType: 'application/json', text: '{"amountCents": NaN}' },
  { contentType: 'application/json', text: '{"amountCents": Infinity}' },
  { contentType: 'application/json', text: '{"amountCents": 1e999}' },
  { contentType: 'application/json', text: '{"amountCents": -1e999}' },
  { contentType: 'application/json', text: '{"amountCents": 1.0}' },
  { contentType: 'application/json', text: '{"a":1,"a":2}' },
  { contentType: 'application/json', text: '{"__proto__": {"amountCents": 5}}' },
  { contentType: 'application/json', text: '{"constructor": {"prototype": {"x": 1}}}' },
  { contentType: 'application/json', text: 'null' },
  { contentType: 'application/json', text: '"x"' },
  { contentType: 'application/json', text: '12' },
  { contentType: 'application/json', text: '[]' },
  { contentType: 'application/json', text: '[{}]' },
  { contentType: 'application/json', text: '{"x": "\\u0000"}' },
  { contentType: 'application/json', text: '{"\\u0000": 1}' },
  { contentType: 'application/json', text: '{"x": "\\ud800"}' },
  { contentType: 'application/json', text: `${'['.repeat(5000)}${']'.repeat(5000)}` },
  { contentType: 'application/json', text: `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}` },
  { contentType: 'application/json', text: `{"x": "${'z'.repeat(200_000)}"}` },
  { contentType: 'application/json; charset=utf-16', text: '{}' },
  { contentType: 'application/json; charset=latin1', text: '{}' },
  { contentType: 'text/plain', text: '{}' },
  { contentType: 'text/plain', text: '{"amountCents": 100}' },
  { contentType: 'application/x-www-form-urlencoded', text: 'amountCents=100&reason=x' },
  { contentType: 'multipart/form-data; boundary=x', text: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--' },
  { contentType: 'application/xml', text: '<a>1</a>' },
  { contentType: 'application/octet-stream', text: '\u0000\u0001\u0002' },
);

/** Idempotency-Key values: none, good ones, and ones the API must refuse with a 400 (Node sends only Latin-1 header text). */
export const idempotencyKeys: fc.Arbitrary<string | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 4 },
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/), weight: 2 },
  {
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'has space',
      'tab\there',
      'k'.repeat(201),
      'k'.repeat(5000),
      'café',
      '\u00ff\u00fe',
      "' OR 1=1 --",
      '0',
      '-1',
    ),
    weight: 2,
  },
);

/** Query values: junk for a documented parameter (repeated ones are arrays). */
export const junkQueryValue: fc.Arbitrary<string | string[]> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-1',
    '1.5',
    '1e2',
    '0x10',
    'NaN',
    'Infinity',
    '99999999999999999999',
    '2147483648',
    'true',
    'null',
    'undefined',
    '[]',
    '{}',
    "' OR 1=1 --",
    '\u0000',
    'a\u0000b',
    '%00',
    '💥',
    '\u202e',
    'x'.repeat(5000),
    '0000-01-01',
    '2026-02-30',
    '9999-12-31',
    '9999-12-31T23:59:59-14:00',
    '1900-01-01T00:00:00+14:00',
    '2026-13-01',
    '2026-11-01T25:99:99Z',
    '2026-11-01T12:00:00+99:99',
    '2026-11-01 12:00',
    '1900-01-01',
    '275760-09-13',
    'cus_',
    'cus_' + 'a'.repeat(64),
    'ord_missing',
  ),
  fc.array(fc.constantFrom('1', '2', 'PAID', '', 'x'), { minLength: 2, maxLength: 3 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);
