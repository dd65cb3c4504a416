// Order-list cursors across a secrets-key rotation: a cursor issued under the old key still opens the next
// page while the old key stays in the keyring (SECRETS_ENCRYPTION_KEYS="new,old"), and not once it is removed.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../../platform/secret-box.js';
import { createOrderCursorCodec } from './order-cursor.js';

const key = () => randomBytes(32).toString('base64');
const boundary = { createdAt: new Date('2026-11-01T10:00:00Z'), id: 'ord_abc123' };
const filter = { status: 'PAID' };

describe('order cursors and key rotation', () => {
  const oldKey = `k1:${key()}`;
  const newKey = `k2:${key()}`;
  const before = createOrderCursorCodec(createSecretBox(oldKey).deriveKeys('order-list-cursor'));
  const cursor = before.encode('ten_a', filter, boundary);

  it('a cursor issued before the rotation still works while the old key is in the keyring', () => {
    const rotated = createOrderCursorCodec(createSecretBox(`${newKey},${oldKey}`).deriveKeys('order-list-cursor'));
    expect(rotated.decode('ten_a', filter, cursor)).toEqual(boundary);
    // New cursors are signed with the new key: they do not verify under the old keyring alone.
    const fresh = rotated.encode('ten_a', filter, boundary);
    expect(() => before.decode('ten_a', filter, fresh)).toThrow(/Invalid cursor/);
  });

  it('is refused once the old key has left the keyring, and for another tenant or other filters', () => {
    const onlyNew = createOrderCursorCodec(createSecretBox(newKey).deriveKeys('order-list-cursor'));
    expect(() => onlyNew.decode('ten_a', filter, cursor)).toThrow(/Invalid cursor/);
    expect(() => before.decode('ten_b', filter, cursor)).toThrow(/Invalid cursor/);
    expect(() => before.decode('ten_a', { status: 'SHIPPED' }, cursor)).toThrow(/Invalid cursor/);
  });

  it('purposes never share a key: a key derived for cursors is not the keyring key', () => {
    const box = createSecretBox(`${newKey},${oldKey}`);
    const [current, previous] = box.deriveKeys('order-list-cursor');
    expect(current).toEqual(box.deriveKey('order-list-cursor'));
    expect(previous).not.toEqual(current);
    expect(box.deriveKeys('something-else')[0]).not.toEqual(current);
  });
});
