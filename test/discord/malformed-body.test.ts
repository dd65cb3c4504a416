// A correctly signed body that is not an interaction (`null`, an array, a string, an envelope without its
// id, token or data) is a 400 from the endpoint, never a 500 or a handler run.
import { describe, expect, it } from 'vitest';
import { send, useHarness } from './harness.js';

const h = useHarness();

describe('malformed but signed bodies', () => {
  it.each([
    ['null', null],
    ['an array', []],
    ['a string', 'hello'],
    ['a number', 2],
    ['no type', { id: '1', token: 't', application_id: '1' }],
    ['a command without data', { type: 2, id: '1', token: 't', application_id: '1', guild_id: '1' }],
    ['a component without custom_id', { type: 3, id: '1', token: 't', application_id: '1', data: {} }],
    ['no token', { type: 2, id: '1', application_id: '1', data: { name: 'help' } }],
    ['an unknown type', { type: 99, id: '1', token: 't', application_id: '1', data: {} }],
  ])('%s answers 400', async (_what, body) => {
    const res = await send(h, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('a PING still answers PONG', async () => {
    const res = await send(h, { type: 1 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ type: 1 });
  });
});
