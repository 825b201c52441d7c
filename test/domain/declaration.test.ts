import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DECLARATION_ID_PATTERN,
  declarationIdFor,
  documentSizeInBytes,
  MAX_DOCUMENT_BYTES,
} from '#domain/declaration.ts';
import { goodsLine, railImportDeclaration } from '../support/declarations.ts';

const ID_SHAPE = new RegExp(DECLARATION_ID_PATTERN);

describe('declaration ids derived from the broker and its Idempotency-Key', () => {
  it('gives a retried filing the same id', () => {
    assert.equal(declarationIdFor('BRK-1', 'order-4711'), declarationIdFor('BRK-1', 'order-4711'));
  });

  it('gives two brokers who pick the same key different ids', () => {
    assert.notEqual(declarationIdFor('BRK-1', 'order-4711'), declarationIdFor('BRK-2', 'order-4711'));
  });

  it('gives one broker different ids for different keys', () => {
    assert.notEqual(declarationIdFor('BRK-1', 'order-4711'), declarationIdFor('BRK-1', 'order-4712'));
  });

  it('cannot be confused by moving characters between broker id and key', () => {
    assert.notEqual(declarationIdFor('BRK-1', '2-key'), declarationIdFor('BRK-12', '-key'));
    assert.notEqual(declarationIdFor('ab', 'c'), declarationIdFor('a', 'bc'));
  });

  it('is always a valid declaration id and Step Functions execution name', () => {
    const ids = new Set<string>();
    for (let n = 0; n < 500; n++) {
      const id = declarationIdFor(`BRK-${n % 7}`, `key-${n}-ключ-钥匙`);
      assert.match(id, ID_SHAPE);
      assert.ok(id.length <= 80 && /^[A-Za-z0-9_-]+$/.test(id), id);
      ids.add(id);
    }
    assert.equal(ids.size, 500, 'no two filings collided');
  });

  it('does not accept ids of another shape', () => {
    for (const id of [
      'DCL-abc',
      'dcl-0123456789ABCDEF01234567',
      'DCL-0123456789abcdef01234567',
      'DCL-0123456789ABCDEF012345678',
      '../DCL',
    ]) {
      assert.equal(ID_SHAPE.test(id), false, id);
    }
    assert.equal(ID_SHAPE.test('DCL-0123456789ABCDEF01234567'), true);
  });
});

describe('the size of a declaration’s document', () => {
  it('counts the bytes of its JSON as stored, so Cyrillic and Chinese names weigh more than their letters', () => {
    assert.equal(documentSizeInBytes({ name: 'Almaty' }), '{"name":"Almaty"}'.length);
    assert.equal(documentSizeInBytes({ name: 'Алматы' }), '{"name":""}'.length + 6 * 2);
    assert.equal(documentSizeInBytes({ name: '阿拉木图' }), '{"name":""}'.length + 4 * 3);
  });

  it('leaves room in a 400 KB DynamoDB item for its keys and bookkeeping', () => {
    assert.ok(MAX_DOCUMENT_BYTES < 400 * 1024);
  });

  it('lets a train of 120 containers with 999 goods lines be filed as one declaration', () => {
    const goods = Array.from({ length: 999 }, (_, n) =>
      goodsLine('85171300', { description: `Smartphones, lot ${n}, model line ${'x'.repeat(100)}` }),
    );

    assert.ok(documentSizeInBytes(railImportDeclaration({ goods })) < MAX_DOCUMENT_BYTES);
  });
});
