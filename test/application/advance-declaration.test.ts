import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { advanceDeclaration } from '#application/advance-declaration.ts';
import { systemActor } from '#domain/actors.ts';
import { DeclarationNotFoundError, TransitionNotAllowedError, VersionConflictError } from '#domain/errors.ts';
import type { TransitionRequest } from '#domain/lifecycle.ts';
import { railImportDeclaration, roadExportDeclaration } from '../support/declarations.ts';
import { fakePorts } from '../support/fake-ports.ts';
import { filed } from './scenarios.ts';

const assignGreen: TransitionRequest = {
  transition: 'ASSIGN_RISK_CHANNEL',
  actor: systemActor('risk-engine'),
  details: { channel: 'GREEN' },
};

describe('moving a declaration along its lifecycle', () => {
  it('writes the next status, its history entry and its event at once, and keeps the facts learned', async () => {
    const ports = fakePorts();
    const { id } = await filed(ports, railImportDeclaration());

    const { record, applied } = await advanceDeclaration(ports, id, assignGreen, { riskChannel: 'GREEN' });

    assert.equal(applied, true);
    assert.equal(record.status, 'RISK_ASSESSED');
    assert.equal(record.version, 2);
    assert.deepEqual(record.facts, { riskChannel: 'GREEN' });
    assert.deepEqual(await ports.declarations.load(id), record);
    assert.deepEqual(
      ports.declarationStore.history(id).map((entry) => [entry.version, entry.status]),
      [
        [1, 'RECEIVED'],
        [2, 'RISK_ASSESSED'],
      ],
    );
    assert.deepEqual(
      ports.declarationStore.events().map((event) => event.eventId),
      [`${id}.v1`, `${id}.v2`],
    );
  });

  it('adds the facts of a later stage to those of the earlier ones', async () => {
    const ports = fakePorts();
    const { id } = await filed(ports, railImportDeclaration());
    await advanceDeclaration(ports, id, assignGreen, { riskChannel: 'GREEN' });

    const { record } = await advanceDeclaration(
      ports,
      id,
      { transition: 'AWAIT_ARRIVAL', actor: systemActor('workflow') },
      { awaiting: 'TRAIN_ARRIVED' },
    );

    assert.deepEqual(record.facts, { riskChannel: 'GREEN', awaiting: 'TRAIN_ARRIVED' });
  });

  it('records when the goods were released, in business time, and keeps it through the stages after', async () => {
    const ports = fakePorts();
    const { id } = await filed(ports, roadExportDeclaration());
    const workflow = systemActor('workflow');
    for (const transition of ['ASSIGN_RISK_CHANNEL', 'CONFIRM_BOOKING', 'GATE_IN', 'SECURE_DUTIES'] as const) {
      await advanceDeclaration(ports, id, { transition, actor: workflow });
    }
    const clearedFromTheOpening = '2026-11-21T02:00:00.000Z';

    const { record } = await advanceDeclaration(ports, id, {
      transition: 'RELEASE',
      actor: workflow,
      occurredAt: clearedFromTheOpening,
    });
    const { record: exited } = await advanceDeclaration(ports, id, { transition: 'RECORD_EXIT', actor: workflow });

    assert.equal(record.facts.releasedAt, clearedFromTheOpening);
    assert.equal(exited.facts.releasedAt, clearedFromTheOpening);
  });

  it('reads again and succeeds when another writer changed the declaration in between, once', async () => {
    const ports = fakePorts();
    const { id } = await filed(ports, railImportDeclaration());
    ports.declarationStore.concurrentWriter(id, 1);

    const { record, applied } = await advanceDeclaration(ports, id, assignGreen);

    assert.equal(applied, true);
    assert.equal(record.status, 'RISK_ASSESSED');
    assert.equal(ports.declarationStore.saveAttempts(id), 2);
    assert.equal((await ports.declarations.load(id))?.status, 'RISK_ASSESSED');
    assert.equal(ports.declarationStore.events().length, 2, 'one event for the change, none for the lost attempt');
  });

  it('gives up with a VersionConflict after three attempts when other writers keep winning, writing nothing', async () => {
    const ports = fakePorts();
    const { id } = await filed(ports, railImportDeclaration());
    ports.declarationStore.concurrentWriter(id, 10);

    await assert.rejects(advanceDeclaration(ports, id, assignGreen), (error: unknown) => {
      assert.ok(error instanceof VersionConflictError);
      assert.equal(error.name, 'VersionConflict');
      return true;
    });

    assert.equal(ports.declarationStore.saveAttempts(id), 3);
    assert.equal((await ports.declarations.load(id))?.status, 'RECEIVED');
    assert.equal(ports.declarationStore.history(id).length, 1);
    assert.equal(ports.declarationStore.events().length, 1);
  });

  it('refuses a transition the lifecycle does not allow from the current status, writing nothing', async () => {
    const ports = fakePorts();
    const { id } = await filed(ports, railImportDeclaration());
    const before = ports.declarationStore.snapshot();

    await assert.rejects(
      advanceDeclaration(ports, id, { transition: 'RELEASE', actor: systemActor('workflow') }),
      (error: unknown) => {
        assert.ok(error instanceof TransitionNotAllowedError);
        assert.equal(error.name, 'TransitionNotAllowed');
        assert.match(error.message, /from RECEIVED to RELEASED/);
        return true;
      },
    );
    assert.deepEqual(ports.declarationStore.snapshot(), before);
  });

  it('writes nothing when a retried step finds the change already made', async () => {
    const ports = fakePorts();
    const { id } = await filed(ports, railImportDeclaration());
    const first = await advanceDeclaration(ports, id, assignGreen, { riskChannel: 'GREEN' });
    const before = ports.declarationStore.snapshot();

    const retry = await advanceDeclaration(ports, id, assignGreen, { riskChannel: 'RED' });

    assert.deepEqual(retry, { record: first.record, applied: false });
    assert.deepEqual(ports.declarationStore.snapshot(), before);
  });

  it('reports a declaration that does not exist', async () => {
    await assert.rejects(
      advanceDeclaration(fakePorts(), 'DCL-0123456789ABCDEF01234567', assignGreen),
      DeclarationNotFoundError,
    );
  });
});
