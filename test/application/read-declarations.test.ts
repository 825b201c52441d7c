import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidCursorError } from '#application/ports.ts';
import { listDeclarations, readDeclaration } from '#application/read-declarations.ts';
import { assessRisk } from '#application/workflow-steps.ts';
import { documentAs } from '#domain/declaration-types/registry.ts';
import { entryWithDisclosableRisk } from '#domain/risk.ts';
import {
  goodsLine,
  railImportDeclaration,
  roadExportDeclaration,
  roadImportDeclaration,
} from '../support/declarations.ts';
import { BROKERS, brokerCaller, callerAs, fakePorts } from '../support/fake-ports.ts';
import { filed } from './scenarios.ts';

const owner = brokerCaller(BROKERS.almaty);

/**
 * A rail import of apples without their certificate for a first-time consignee, filed and risk-assessed: its
 * second history entry carries a disclosable rule (the certificate) and a confidential one (the consignee).
 */
async function assessedRailImport(ports: ReturnType<typeof fakePorts>) {
  const document = railImportDeclaration({ goods: [goodsLine('08081000')] });
  const { id } = await filed(ports, document, 'rail-1', owner);
  await assessRisk(ports, id);
  return { id, document };
}

describe('reading a declaration', () => {
  it('shows the filing broker the whole document and the history, with the risk rules it may be told', async () => {
    const ports = fakePorts({ clearedConsignees: [] });
    const { id, document } = await assessedRailImport(ports);

    const found = await readDeclaration(ports, { id, caller: owner });

    assert.deepEqual(found?.declaration, document);
    assert.deepEqual(found?.history, ports.declarationStore.history(id).map(entryWithDisclosableRisk));
    assert.equal(found?.history[1]?.details?.rule, 'QUARANTINE_CERTIFICATE_MISSING');
    assert.equal(found?.history[1]?.reason, 'yellow channel: missing phytosanitary certificate (line 1)');
    assert.doesNotMatch(JSON.stringify(found?.history), /FIRST_TIME_CONSIGNEE/);
    assert.equal(found?.record.status, 'RISK_ASSESSED');
  });

  it('shows the history as of the status shown, when a step moves the declaration while it is read', async () => {
    const ports = fakePorts({ clearedConsignees: [] });
    const { id } = await filed(ports, railImportDeclaration(), 'rail-1', owner);
    const store = ports.declarations;
    // The workflow assesses the risk just after the record is read and before its history is.
    const racing = {
      declarations: {
        ...store,
        load: async (declarationId: string) => {
          const record = await store.load(declarationId);
          await assessRisk(ports, declarationId);
          return record;
        },
      },
    };

    const found = await readDeclaration(racing, { id, caller: owner });

    assert.equal(found?.record.status, 'RECEIVED');
    assert.deepEqual(
      found?.history.map((entry) => entry.status),
      ['RECEIVED'],
    );
  });

  it('shows another broker nothing, as if the declaration did not exist', async () => {
    const ports = fakePorts();
    const { id } = await assessedRailImport(ports);

    assert.equal(await readDeclaration(ports, { id, caller: brokerCaller(BROKERS.urumqi) }), undefined);
  });

  it('shows nothing for an id that was never filed', async () => {
    const ports = fakePorts();

    assert.equal(await readDeclaration(ports, { id: 'DCL-0123456789ABCDEF01234567', caller: owner }), undefined);
  });

  it('shows a customs officer everything, confidential risk rules included', async () => {
    const ports = fakePorts({ clearedConsignees: [] });
    const { id, document } = await assessedRailImport(ports);

    const found = await readDeclaration(ports, { id, caller: callerAs('officer') });

    assert.deepEqual(found?.declaration, document);
    assert.deepEqual(found?.history, ports.declarationStore.history(id));
    assert.match(JSON.stringify(found?.history), /FIRST_TIME_CONSIGNEE/);
  });

  it('shows the port operator the transport and the stages, without the details behind them', async () => {
    const ports = fakePorts({ clearedConsignees: [] });
    const { id, document } = await assessedRailImport(ports);

    const found = await readDeclaration(ports, { id, caller: callerAs('port-operator') });

    assert.deepEqual(found?.declaration, documentAs('logistics', document));
    assert.deepEqual(
      found?.history,
      ports.declarationStore
        .history(id)
        .map(entryWithDisclosableRisk)
        .map(({ details: _details, ...entry }) => entry),
    );
    assert.equal(
      found?.history.some((entry) => Object.hasOwn(entry, 'details')),
      false,
    );
  });

  it('shows the railway the transport of a rail import, and a road declaration not at all', async () => {
    const ports = fakePorts();
    const { id: rail, document } = await assessedRailImport(ports);
    const { id: road } = await filed(ports, roadExportDeclaration(), 'road-1', owner);

    assert.deepEqual(
      (await readDeclaration(ports, { id: rail, caller: callerAs('railway') }))?.declaration,
      documentAs('logistics', document),
    );
    assert.equal(await readDeclaration(ports, { id: road, caller: callerAs('railway') }), undefined);
    assert.notEqual(await readDeclaration(ports, { id: road, caller: callerAs('port-operator') }), undefined);
  });

  it('shows a person holding several roles the most any of them may see', async () => {
    const ports = fakePorts();
    const { id, document } = await assessedRailImport(ports);
    const operatorAndOfficer = { ...callerAs('port-operator'), roles: new Set(['port-operator', 'officer'] as const) };

    const found = await readDeclaration(ports, { id, caller: operatorAndOfficer });

    assert.deepEqual(found?.declaration, document);
  });
});

describe('a broker lists its declarations', () => {
  /** Files one declaration a minute (the clock steps a minute per reading), alternating the types. */
  async function fileMany(ports: ReturnType<typeof fakePorts>, count: number): Promise<string[]> {
    const builders = [railImportDeclaration, roadExportDeclaration, roadImportDeclaration];
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      const build = builders[n % builders.length] ?? railImportDeclaration;
      ids.push((await filed(ports, build(), `order-${n}`, owner)).id);
    }
    return ids;
  }

  it('sees its own declarations only, newest first', async () => {
    const ports = fakePorts();
    const ids = await fileMany(ports, 4);
    await filed(ports, railImportDeclaration(), 'theirs', brokerCaller(BROKERS.urumqi));

    const page = await listDeclarations(ports, { brokerId: BROKERS.almaty, query: { limit: 25 } });

    assert.deepEqual(
      page.items.map((record) => record.id),
      [...ids].reverse(),
    );
    assert.equal(page.nextCursor, undefined, 'one page holds them all');
  });

  it('filters by status and by type', async () => {
    const ports = fakePorts();
    const ids = await fileMany(ports, 6);
    await assessRisk(ports, ids[0] ?? '');
    await assessRisk(ports, ids[1] ?? '');

    const assessed = await listDeclarations(ports, {
      brokerId: BROKERS.almaty,
      query: { status: 'RISK_ASSESSED', limit: 25 },
    });
    const roadExports = await listDeclarations(ports, {
      brokerId: BROKERS.almaty,
      query: { declarationType: 'ROAD_EXPORT', limit: 25 },
    });

    assert.deepEqual(
      assessed.items.map((record) => record.id),
      [ids[1], ids[0]],
    );
    assert.deepEqual(
      roadExports.items.map((record) => record.id),
      [ids[4], ids[1]],
    );
  });

  it('finds one declaration by its declaration number', async () => {
    const ports = fakePorts();
    const ids = await fileMany(ports, 3);
    const wanted = await ports.declarations.load(ids[1] ?? '');

    const page = await listDeclarations(ports, {
      brokerId: BROKERS.almaty,
      query: { declarationNumber: wanted?.declarationNumber ?? '', limit: 25 },
    });

    assert.deepEqual(
      page.items.map((record) => record.id),
      [ids[1]],
    );
  });

  it('filters by filing time, both ends included, reading times with an offset in UTC', async () => {
    const ports = fakePorts();
    // Filed at 06:00Z, 06:01Z, 06:02Z, 06:03Z, 06:04Z.
    const ids = await fileMany(ports, 5);

    const page = await listDeclarations(ports, {
      brokerId: BROKERS.almaty,
      query: { filedFrom: '2025-03-01T12:01:00+06:00', filedTo: '2025-03-01T06:03:00Z', limit: 25 },
    });

    assert.deepEqual(
      page.items.map((record) => record.id),
      [ids[3], ids[2], ids[1]],
    );
  });

  it('pages through 60 declarations with the cursor, meeting each exactly once, newest first', async () => {
    const ports = fakePorts();
    const ids = await fileMany(ports, 60);
    const seen: string[] = [];
    const pageSizes: number[] = [];

    let cursor: string | undefined;
    do {
      const page = await listDeclarations(ports, {
        brokerId: BROKERS.almaty,
        query: { limit: 25, ...(cursor === undefined ? {} : { cursor }) },
      });
      seen.push(...page.items.map((record) => record.id));
      pageSizes.push(page.items.length);
      cursor = page.nextCursor;
    } while (cursor !== undefined);

    assert.deepEqual(pageSizes, [25, 25, 10]);
    assert.deepEqual(seen, [...ids].reverse());
  });

  it('refuses a cursor it did not issue', async () => {
    const ports = fakePorts();
    await fileMany(ports, 2);

    for (const cursor of ['not-a-cursor', Buffer.from('{"s":"x"}').toString('base64url'), '']) {
      await assert.rejects(
        listDeclarations(ports, { brokerId: BROKERS.almaty, query: { limit: 1, cursor } }),
        InvalidCursorError,
        JSON.stringify(cursor),
      );
    }
  });
});
