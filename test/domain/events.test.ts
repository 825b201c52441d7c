import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { amendmentEntry } from '#domain/amendment.ts';
import { statusChanged } from '#domain/events.ts';
import { decideTransition, filingEntry, type HistoryEntry, TRANSITION_NAMES } from '#domain/lifecycle.ts';
import { DomainEventSchema } from '#domain/schemas/domain-event.ts';
import { completionEntry } from '#domain/two-step.ts';

const declaration = { id: 'DCL-0123456789ABCDEF01234567', declarationType: 'RAIL_IMPORT' } as const;
const filed = filingEntry({ actor: { kind: 'broker', id: 'clerk-7' } }, new Date('2025-03-01T06:00:00Z'));

function riskAssessed(recordedAt: Date): HistoryEntry {
  const outcome = decideTransition(
    TRANSITION_NAMES,
    { status: 'RECEIVED', version: 1 },
    {
      transition: 'ASSIGN_RISK_CHANNEL',
      actor: { kind: 'system', id: 'risk-engine' },
      details: { channel: 'GREEN', rule: 'DEFAULT_GREEN' },
    },
    recordedAt,
  );
  assert.equal(outcome.kind, 'apply');
  return outcome.entry;
}

describe('the event a status change emits', () => {
  it('carries the declaration, its type and the whole history entry', () => {
    const entry = riskAssessed(new Date('2025-03-01T06:01:00Z'));

    assert.deepEqual(statusChanged(declaration, entry), {
      eventId: 'DCL-0123456789ABCDEF01234567.v2',
      eventType: 'declaration.status-changed',
      declarationId: 'DCL-0123456789ABCDEF01234567',
      declarationType: 'RAIL_IMPORT',
      ...entry,
    });
  });

  it('is a declaration.amended event for a new version of the document: an amendment or a two-step completion', () => {
    const broker = { kind: 'broker' as const, id: 'clerk-7' };
    const current = { status: 'RELEASED' as const, version: 9, documentVersion: 1 };
    const at = new Date('2025-03-05T09:00:00Z');
    assert.equal(statusChanged(declaration, amendmentEntry(current, broker, at)).eventType, 'declaration.amended');
    assert.equal(statusChanged(declaration, completionEntry(current, broker, at, {})).eventType, 'declaration.amended');
  });

  it('keeps its id when a retried step builds the same change again, later', () => {
    const first = statusChanged(declaration, riskAssessed(new Date('2025-03-01T06:01:00Z')));
    const retried = statusChanged(declaration, riskAssessed(new Date('2025-03-01T06:09:00Z')));

    assert.equal(retried.eventId, first.eventId);
  });

  it('has an id of its own for every version of every declaration', () => {
    const other = { id: 'DCL-FEDCBA987654321001234567', declarationType: 'ROAD_EXPORT' } as const;
    const ids = [
      statusChanged(declaration, filed).eventId,
      statusChanged(declaration, riskAssessed(new Date('2025-03-01T06:01:00Z'))).eventId,
      statusChanged(other, filed).eventId,
    ];

    assert.equal(new Set(ids).size, 3);
  });

  it('says who filed the declaration and leaves out the previous status of a first entry', () => {
    const event = statusChanged(declaration, filed);

    assert.deepEqual(event.actor, { kind: 'broker', id: 'clerk-7' });
    assert.equal(event.status, 'RECEIVED');
    assert.equal(Object.hasOwn(event, 'previousStatus'), false);
  });

  it('has only the fields its published schema names, and all it requires', () => {
    const allowed = Object.keys(DomainEventSchema.properties);
    const required = DomainEventSchema.required ?? [];
    for (const event of [
      statusChanged(declaration, filed),
      statusChanged(declaration, riskAssessed(new Date('2025-03-01T06:01:00Z'))),
    ]) {
      for (const field of Object.keys(event)) assert.ok(allowed.includes(field), `unpublished field ${field}`);
      for (const field of required) assert.ok(Object.hasOwn(event, field), `missing ${field}`);
    }
  });
});
