import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { amendDeclaration } from '#application/amend-declaration.ts';
import type { DeclarationRecord } from '#application/ports.ts';
import { readDeclaration } from '#application/read-declarations.ts';
import { assessRisk } from '#application/workflow-steps.ts';
import type { DeclarationDocument } from '#domain/declaration-types/registry.ts';
import { statusChanged } from '#domain/events.ts';
import { railImportDeclaration, railImportSummary, roadImportDeclaration } from '../support/declarations.ts';
import { BROKERS, brokerCaller, type FakePorts, fakePorts } from '../support/fake-ports.ts';
import { filed } from './scenarios.ts';

const owner = brokerCaller(BROKERS.almaty, 'clerk-7');

const amend = (ports: FakePorts, id: string, expectedDocumentVersion: number, document: DeclarationDocument) =>
  amendDeclaration(ports, { caller: owner, id, expectedDocumentVersion, document });

/** The declaration moved on by the workflow to `status` (e.g. past the point where it may be amended). */
async function movedTo(ports: FakePorts, record: DeclarationRecord, status: DeclarationRecord['status']) {
  const entry = {
    version: record.version + 1,
    status,
    previousStatus: record.status,
    transition: 'RECORD_ARRIVAL' as const,
    actor: { kind: 'system' as const, id: 'test' },
    occurredAt: '2025-03-01T09:00:00.000Z',
    recordedAt: '2025-03-01T09:00:00.000Z',
    reason: 'moved on by the test',
  };
  const next = { ...record, status, version: entry.version };
  await ports.declarations.save({
    expectedVersion: record.version,
    record: next,
    entry,
    event: statusChanged(next, entry),
  });
}

describe('a broker amends its declaration', () => {
  it('stores the new document as version 2, keeps version 1 readable, the id and the number', async () => {
    const ports = fakePorts();
    const filing = await filed(ports, railImportDeclaration(), 'order-1', owner);
    const corrected = railImportDeclaration({ incoterm: 'CPT' });

    const outcome = await amend(ports, filing.id, 1, corrected);

    assert.equal(outcome.kind, 'amended');
    const record = await ports.declarations.load(filing.id);
    assert.equal(record?.documentVersion, 2);
    assert.equal(record?.version, 2);
    assert.equal(record?.declarationNumber, filing.declarationNumber);
    assert.equal(record?.status, 'RECEIVED');
    assert.deepEqual((await readDeclaration(ports, { id: filing.id, caller: owner }))?.declaration, corrected);
    const first = await readDeclaration(ports, { id: filing.id, caller: owner, documentVersion: 1 });
    assert.deepEqual(first?.declaration, railImportDeclaration());
    assert.equal(first?.documentVersion, 1);
    assert.equal(await readDeclaration(ports, { id: filing.id, caller: owner, documentVersion: 3 }), undefined);
  });

  it('writes a history entry (actor, time, reason) and a declaration.amended event with it', async () => {
    const ports = fakePorts();
    const filing = await filed(ports, railImportDeclaration(), 'order-1', owner);

    await amend(ports, filing.id, 1, railImportDeclaration({ incoterm: 'CPT' }));

    const [, entry] = ports.declarationStore.history(filing.id);
    assert.deepEqual(
      { ...entry, recordedAt: undefined, occurredAt: undefined },
      {
        version: 2,
        status: 'RECEIVED',
        previousStatus: 'RECEIVED',
        transition: 'AMEND_DOCUMENT',
        actor: { kind: 'broker', id: 'clerk-7' },
        recordedAt: undefined,
        occurredAt: undefined,
        reason: 'amended by the broker',
        details: { documentVersion: 2, previousDocumentVersion: 1, filingMode: 'COMPLETE' },
      },
    );
    const events = ports.declarationStore.events();
    assert.deepEqual(
      events.map(({ eventId, eventType }) => ({ eventId, eventType })),
      [
        { eventId: `${filing.id}.v1`, eventType: 'declaration.status-changed' },
        { eventId: `${filing.id}.v2`, eventType: 'declaration.amended' },
      ],
    );
  });

  it('completes a summary under the same number, and the event says the summary was completed', async () => {
    const ports = fakePorts();
    const filing = await filed(ports, railImportSummary(), 'order-1', owner);

    const outcome = await amend(ports, filing.id, 1, railImportDeclaration());

    assert.equal(outcome.kind, 'amended');
    assert.deepEqual(ports.declarationStore.events().at(-1)?.details, {
      documentVersion: 2,
      previousDocumentVersion: 1,
      filingMode: 'COMPLETE',
      previousFilingMode: 'SUMMARY',
    });
    assert.equal((await ports.declarations.load(filing.id))?.declarationNumber, filing.declarationNumber);
  });

  it('a stale If-Match is refused and nothing is written', async () => {
    const ports = fakePorts();
    const filing = await filed(ports, railImportDeclaration(), 'order-1', owner);
    await amend(ports, filing.id, 1, railImportDeclaration({ incoterm: 'CPT' }));
    const before = ports.declarationStore.snapshot();

    const outcome = await amend(ports, filing.id, 1, railImportDeclaration({ incoterm: 'DAP' }));

    assert.deepEqual(outcome, { kind: 'stale', currentDocumentVersion: 2 });
    assert.deepEqual(ports.declarationStore.snapshot(), before);
  });

  it('a retried amendment finds its document in place and writes nothing', async () => {
    const ports = fakePorts();
    const filing = await filed(ports, railImportDeclaration(), 'order-1', owner);
    await amend(ports, filing.id, 1, railImportDeclaration({ incoterm: 'CPT' }));
    const before = ports.declarationStore.snapshot();

    const retry = await amend(ports, filing.id, 1, railImportDeclaration({ incoterm: 'CPT' }));

    assert.equal(retry.kind, 'unchanged');
    assert.deepEqual(ports.declarationStore.snapshot(), before);
  });

  it('refuses what an amendment may not change, and a document that breaks the type’s rules', async () => {
    const ports = fakePorts();
    const filing = await filed(ports, railImportDeclaration(), 'order-1', owner);
    const before = ports.declarationStore.snapshot();

    const cases: [DeclarationDocument, string][] = [
      [railImportSummary(), 'no-return-to-summary'],
      [railImportDeclaration({ train: { trainNumber: 'Y9999', trainDate: '2025-02-27' } }), 'same-train'],
      [roadImportDeclaration(), 'same-declaration-type'],
      [railImportDeclaration({ consignor: undefined as never, incoterm: 'CPT' }), 'required-when-complete'],
    ];
    for (const [document, rule] of cases) {
      const outcome = await amend(ports, filing.id, 1, JSON.parse(JSON.stringify(document)));
      assert.equal(outcome.kind, 'refused', rule);
      assert.ok(outcome.kind === 'refused' && outcome.violations.some((v) => v.rule === rule), rule);
    }
    assert.deepEqual(ports.declarationStore.snapshot(), before);
  });

  it('is refused once duties are secured (past inspection)', async () => {
    const ports = fakePorts();
    const filing = await filed(ports, railImportDeclaration(), 'order-1', owner);
    await movedTo(ports, filing, 'HELD');

    const outcome = await amend(ports, filing.id, 1, railImportDeclaration({ incoterm: 'CPT' }));

    assert.deepEqual(outcome, { kind: 'not-amendable', status: 'HELD' });
    assert.deepEqual(ports.declarationStore.documentVersions(filing.id), [1]);
  });

  it('another broker’s declaration does not exist for the amending broker', async () => {
    const ports = fakePorts();
    const filing = await filed(ports, railImportDeclaration(), 'order-1', owner);

    const outcome = await amendDeclaration(ports, {
      caller: brokerCaller(BROKERS.urumqi),
      id: filing.id,
      expectedDocumentVersion: 1,
      document: railImportDeclaration({ incoterm: 'CPT' }),
    });

    assert.deepEqual(outcome, { kind: 'not-found' });
    assert.deepEqual(ports.declarationStore.documentVersions(filing.id), [1]);
  });

  it('a workflow step moving the status meanwhile does not lose the amendment: it is decided again', async () => {
    const ports = fakePorts();
    const filing = await filed(ports, railImportDeclaration(), 'order-1', owner);
    await assessRisk(ports, filing.id);
    ports.declarationStore.concurrentWriter(filing.id, 1);

    const outcome = await amend(ports, filing.id, 1, railImportDeclaration({ incoterm: 'CPT' }));

    assert.equal(outcome.kind, 'amended');
    assert.deepEqual(ports.declarationStore.documentVersions(filing.id), [1, 2]);
  });
});
