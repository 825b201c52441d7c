import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crossFieldViolations, DECLARATION_ID_PATTERN, declarationIdFor } from '#domain/declaration.ts';
import { CONTAINERS, goodsLine, railImportDeclaration } from '../support/declarations.ts';

describe('cross-field rules of a rail-import declaration', () => {
  it('finds nothing wrong with a declaration whose goods sit in declared containers', () => {
    const declaration = railImportDeclaration({
      containers: [{ number: CONTAINERS.first }, { number: CONTAINERS.second }],
      goods: [
        { ...goodsLine('85171300'), containerNumber: CONTAINERS.second },
        { ...goodsLine('84713000'), containerNumber: CONTAINERS.first },
        goodsLine('94036000'),
      ],
    });

    assert.deepEqual(crossFieldViolations(declaration), []);
  });

  it('flags a container listed twice, at its second mention', () => {
    const declaration = railImportDeclaration({
      containers: [{ number: CONTAINERS.first }, { number: CONTAINERS.second }, { number: CONTAINERS.first }],
    });

    const violations = crossFieldViolations(declaration);

    assert.equal(violations.length, 1);
    assert.equal(violations[0]?.pointer, '/containers/2/number');
    assert.equal(violations[0]?.rule, 'unique-container');
    assert.match(violations[0]?.detail ?? '', /CSQU3054383/);
  });

  it('flags a goods line that names a container the declaration does not list', () => {
    const declaration = railImportDeclaration({
      containers: [{ number: CONTAINERS.first }],
      goods: [goodsLine('85171300'), { ...goodsLine('84713000'), containerNumber: CONTAINERS.second }],
    });

    const violations = crossFieldViolations(declaration);

    assert.deepEqual(
      violations.map(({ pointer, rule }) => ({ pointer, rule })),
      [{ pointer: '/goods/1/containerNumber', rule: 'declared-container' }],
    );
    assert.match(violations[0]?.detail ?? '', /MSKU9070323/);
  });

  it('reports every broken rule at once, so the broker can fix the declaration in one go', () => {
    const declaration = railImportDeclaration({
      containers: [{ number: CONTAINERS.first }, { number: CONTAINERS.first }],
      goods: [{ ...goodsLine('85171300'), containerNumber: 'TGHU0000000' }],
    });

    assert.deepEqual(
      crossFieldViolations(declaration).map((v) => v.rule),
      ['unique-container', 'declared-container'],
    );
  });
});

describe('declaration ids derived from the broker and its Idempotency-Key', () => {
  it('gives a retried submission the same id', () => {
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
      assert.match(id, DECLARATION_ID_PATTERN);
      assert.ok(id.length <= 80 && /^[A-Za-z0-9_-]+$/.test(id), id);
      ids.add(id);
    }
    assert.equal(ids.size, 500, 'no two submissions collided');
  });

  it('does not accept ids of another shape', () => {
    for (const id of [
      'DCL-abc',
      'dcl-0123456789ABCDEF01234567',
      'DCL-0123456789abcdef01234567',
      'DCL-0123456789ABCDEF012345678',
      '../DCL',
    ]) {
      assert.equal(DECLARATION_ID_PATTERN.test(id), false, id);
    }
    assert.equal(DECLARATION_ID_PATTERN.test('DCL-0123456789ABCDEF01234567'), true);
  });
});
