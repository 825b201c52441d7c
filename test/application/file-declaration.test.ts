import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileDeclaration } from '#application/file-declaration.ts';
import { declarationIdFor, MAX_DOCUMENT_BYTES } from '#domain/declaration.ts';
import {
  DECLARATION_TYPE_NAMES,
  type DeclarationDocument,
  type DeclarationType,
  workflowOf,
} from '#domain/declaration-types/registry.ts';
import {
  CONTAINERS,
  goodsLine,
  railImportDeclaration,
  roadExportDeclaration,
  roadImportDeclaration,
  VINS,
  withWrongCheckCharacter,
} from '../support/declarations.ts';
import { BROKERS, brokerCaller, fakePorts } from '../support/fake-ports.ts';

const EXAMPLES: Readonly<Record<DeclarationType, () => DeclarationDocument>> = {
  RAIL_IMPORT: railImportDeclaration,
  ROAD_EXPORT: roadExportDeclaration,
  ROAD_IMPORT: roadImportDeclaration,
};

const broker = brokerCaller(BROKERS.almaty, 'clerk-7');
const fileAs = (ports: ReturnType<typeof fakePorts>, document: DeclarationDocument, idempotencyKey = 'order-4711') =>
  fileDeclaration(ports, { caller: broker, brokerId: BROKERS.almaty, idempotencyKey, document });

describe('a broker files an advance declaration', () => {
  for (const type of DECLARATION_TYPE_NAMES) {
    it(`${type}: is stored as RECEIVED under an id derived from broker and key, and its workflow starts`, async () => {
      const ports = fakePorts();
      const document = EXAMPLES[type]();

      const outcome = await fileAs(ports, document);

      assert.equal(outcome.kind, 'filed');
      const id = declarationIdFor(BROKERS.almaty, 'order-4711');
      assert.deepEqual(outcome.kind === 'filed' && outcome.record, {
        id,
        brokerId: BROKERS.almaty,
        declarationType: type,
        status: 'RECEIVED',
        version: 1,
        documentVersion: 1,
        declarationNumber: type === 'ROAD_EXPORT' ? '650120250000000001' : '650120251000000001',
        filedAt: '2025-03-01T06:00:00.000Z',
        updatedAt: '2025-03-01T06:00:00.000Z',
        facts: {},
      });
      assert.deepEqual(await ports.declarations.loadDocument(id, 1), document);
      assert.deepEqual(ports.workflowEngine.executions, [{ workflow: workflowOf(type), declarationId: id }]);
    });

    it(`${type}: records the filing broker in the first history entry and one event in the outbox`, async () => {
      const ports = fakePorts();

      await fileAs(ports, EXAMPLES[type]());

      const id = declarationIdFor(BROKERS.almaty, 'order-4711');
      const history = ports.declarationStore.history(id);
      assert.deepEqual(
        history.map(({ version, status, transition, actor }) => ({ version, status, transition, actor })),
        [{ version: 1, status: 'RECEIVED', transition: 'FILE', actor: { kind: 'broker', id: 'clerk-7' } }],
      );
      assert.deepEqual(
        ports.declarationStore
          .events()
          .map(({ eventId, declarationType, status }) => ({ eventId, declarationType, status })),
        [{ eventId: `${id}.v1`, declarationType: type, status: 'RECEIVED' }],
      );
    });
  }

  it('numbers each accepted declaration from the office’s counter for the year: 1 import, 0 export', async () => {
    const ports = fakePorts({ clock: () => new Date('2026-11-20T17:30:00Z') });

    const rail = await fileAs(ports, railImportDeclaration(), 'order-1');
    const road = await fileAs(ports, roadExportDeclaration(), 'order-2');

    // 17:30 UTC on 20 November is already 21 November in Horgos; the year is the office's.
    assert.equal(rail.kind === 'filed' && rail.record.declarationNumber, '650120261000000001');
    assert.equal(road.kind === 'filed' && road.record.declarationNumber, '650120260000000002');
  });

  it('a refused document draws no number', async () => {
    const ports = fakePorts();
    const document = railImportDeclaration();

    await fileAs(ports, { ...document, containers: [...(document.containers ?? []), ...(document.containers ?? [])] });

    assert.deepEqual(ports.numbersDrawn, []);
  });

  it('answers a retry with the same key with the first declaration, filing nothing twice', async () => {
    const ports = fakePorts();
    const first = await fileAs(ports, railImportDeclaration());

    const retry = await fileAs(ports, railImportDeclaration());

    assert.deepEqual(retry, first);
    assert.equal(ports.declarationStore.count(), 1);
    assert.equal(ports.declarationStore.events().length, 1);
    assert.equal(ports.declarationStore.history(declarationIdFor(BROKERS.almaty, 'order-4711')).length, 1);
    // Started again (a first attempt may have stopped before its start), but the engine runs it once.
    assert.equal(ports.workflowEngine.starts.length, 2);
    assert.equal(ports.workflowEngine.executions.length, 1);
  });

  it('files two declarations when two brokers happen to choose the same key', async () => {
    const ports = fakePorts();

    await fileAs(ports, railImportDeclaration());
    const other = await fileDeclaration(ports, {
      caller: brokerCaller(BROKERS.urumqi),
      brokerId: BROKERS.urumqi,
      idempotencyKey: 'order-4711',
      document: railImportDeclaration(),
    });

    assert.equal(other.kind === 'filed' && other.record.brokerId, BROKERS.urumqi);
    assert.equal(ports.declarationStore.count(), 2);
    assert.equal(ports.workflowEngine.executions.length, 2);
  });

  it('refuses a document that breaks a rule of its type, naming every broken rule, and writes nothing', async () => {
    const ports = fakePorts();
    const before = ports.declarationStore.snapshot();
    const document = railImportDeclaration({
      containers: [{ number: CONTAINERS.first }, { number: CONTAINERS.first }],
      goods: [goodsLine('85171300', { containerNumber: CONTAINERS.second })],
    });

    const outcome = await fileAs(ports, document);

    assert.equal(outcome.kind, 'refused');
    assert.deepEqual(outcome.kind === 'refused' && outcome.violations.map(({ pointer, rule }) => ({ pointer, rule })), [
      { pointer: '/containers/1/number', rule: 'unique-container' },
      { pointer: '/goods/0/containerNumber', rule: 'declared-container' },
    ]);
    assert.deepEqual(ports.declarationStore.snapshot(), before);
    assert.deepEqual(ports.workflowEngine.starts, []);
  });

  it('refuses a car made in China whose VIN carries the wrong check digit', async () => {
    const ports = fakePorts();

    const outcome = await fileAs(
      ports,
      roadExportDeclaration({ vehicles: [{ vin: withWrongCheckCharacter(VINS.chinese) }] }),
    );

    assert.equal(outcome.kind, 'refused');
    assert.equal(ports.declarationStore.count(), 0);
  });

  it('refuses a document larger than one item can hold, saying by how much, and writes nothing', async () => {
    const ports = fakePorts();
    const before = ports.declarationStore.snapshot();
    const goods = Array.from({ length: 999 }, (_, n) =>
      goodsLine('85171300', { description: `${n} `.padEnd(512, 'smartphones, accessories and chargers ') }),
    );

    const outcome = await fileAs(ports, railImportDeclaration({ goods }));

    assert.equal(outcome.kind, 'too-large');
    assert.equal(outcome.kind === 'too-large' && outcome.limitInBytes, MAX_DOCUMENT_BYTES);
    assert.ok(outcome.kind === 'too-large' && outcome.sizeInBytes > MAX_DOCUMENT_BYTES);
    assert.deepEqual(ports.declarationStore.snapshot(), before);
    assert.deepEqual(ports.workflowEngine.starts, []);
  });

  it('files a foreign car whose VIN check digit does not match, with the warning in the filing entry', async () => {
    const ports = fakePorts();
    const badVin = withWrongCheckCharacter(VINS.german);

    const outcome = await fileAs(ports, roadExportDeclaration({ vehicles: [{ vin: VINS.chinese }, { vin: badVin }] }));

    assert.equal(outcome.kind, 'filed');
    const id = declarationIdFor(BROKERS.almaty, 'order-4711');
    const [entry] = ports.declarationStore.history(id);
    assert.deepEqual(entry?.details, {
      warnings: [{ pointer: '/vehicles/1/vin', rule: 'vin-check-digit', detail: 'the check digit does not match' }],
    });
    assert.deepEqual(ports.declarationStore.events()[0]?.details, entry?.details, 'the broker’s event says so too');
  });

  it('keeps no details on a filing without warnings', async () => {
    const ports = fakePorts();

    await fileAs(ports, roadExportDeclaration());

    const [entry] = ports.declarationStore.history(declarationIdFor(BROKERS.almaty, 'order-4711'));
    assert.equal(entry !== undefined && Object.hasOwn(entry, 'details'), false);
  });
});
