import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor } from '#domain/actors.ts';
import {
  DECLARATION_STATUSES,
  type DeclarationStatus,
  decideTransition,
  filingEntry,
  isTransitionName,
  type Lifecycle,
  STATUS,
  STATUS_NAMES,
  TRANSITION,
  TRANSITION_NAMES,
  TRANSITIONS,
  type TransitionName,
} from '#domain/lifecycle.ts';

const recordedAt = new Date('2025-03-01T06:30:00Z');
const broker: Actor = { kind: 'broker', id: 'clerk-7' };
const workflow: Actor = { kind: 'system', id: 'workflow' };
/** Every transition there is: the lifecycle under which only the TRANSITIONS table decides. */
const EVERY_TRANSITION: Lifecycle = TRANSITION_NAMES;

const request = (transition: TransitionName, actor: Actor = workflow) => ({ transition, actor });

describe('the declaration lifecycle', () => {
  it('starts every declaration as RECEIVED, version 1, filed by the broker', () => {
    assert.deepEqual(filingEntry({ actor: broker }, recordedAt), {
      version: 1,
      status: 'RECEIVED',
      transition: 'FILE',
      actor: broker,
      occurredAt: '2025-03-01T06:30:00.000Z',
      recordedAt: '2025-03-01T06:30:00.000Z',
      reason: 'the broker filed the declaration',
    });
  });

  it('keeps the warnings of a filing in its first history entry', () => {
    const details = { warnings: [{ pointer: '/vehicles/0/vin', rule: 'vin-check-digit', detail: 'no match' }] };

    assert.deepEqual(filingEntry({ actor: broker, details }, recordedAt).details, details);
  });

  for (const name of TRANSITION_NAMES) {
    const rule = TRANSITIONS[name];
    it(`${name} leads to ${rule.to} from ${rule.from.join(', ') || 'no status'} and from nowhere else`, () => {
      for (const status of STATUS_NAMES) {
        const outcome = decideTransition(EVERY_TRANSITION, { status, version: 5 }, request(name), recordedAt);
        const from = rule.from as readonly DeclarationStatus[];
        if (status === rule.to) {
          assert.deepEqual(outcome, { kind: 'already-applied' }, `${status} → ${name}`);
        } else if (from.includes(status)) {
          assert.equal(outcome.kind, 'apply', `${status} → ${name}`);
          assert.equal(outcome.kind === 'apply' && outcome.entry.status, rule.to);
          assert.equal(outcome.kind === 'apply' && outcome.entry.version, 6, 'one version up');
          assert.equal(outcome.kind === 'apply' && outcome.entry.previousStatus, status);
        } else {
          assert.deepEqual(outcome, { kind: 'not-allowed', from: status, to: rule.to }, `${status} → ${name}`);
        }
      }
    });
  }

  it('writes nothing when a retried step finds the declaration already where the transition leads', () => {
    const outcome = decideTransition(
      EVERY_TRANSITION,
      { status: 'RISK_ASSESSED', version: 2 },
      request('ASSIGN_RISK_CHANNEL'),
      recordedAt,
    );

    assert.deepEqual(outcome, { kind: 'already-applied' });
  });

  it('refuses a transition the declaration type’s lifecycle does not include, even from a status it lists', () => {
    const filingOnly: Lifecycle = ['FILE', 'REJECT'];

    assert.deepEqual(
      decideTransition(filingOnly, { status: 'RECEIVED', version: 1 }, request('ASSIGN_RISK_CHANNEL'), recordedAt),
      { kind: 'not-allowed', from: 'RECEIVED', to: 'RISK_ASSESSED' },
    );
    assert.equal(
      decideTransition(filingOnly, { status: 'RECEIVED', version: 1 }, request('REJECT'), recordedAt).kind,
      'apply',
    );
  });

  it('refuses to release a declaration whose goods have not arrived', () => {
    assert.deepEqual(
      decideTransition(EVERY_TRANSITION, { status: 'AWAITING_ARRIVAL', version: 3 }, request('RELEASE'), recordedAt),
      { kind: 'not-allowed', from: 'AWAITING_ARRIVAL', to: 'RELEASED' },
    );
  });

  it('never moves a rejected or released declaration on', () => {
    for (const status of ['REJECTED', 'RELEASED'] as const) {
      for (const name of TRANSITION_NAMES) {
        if (TRANSITIONS[name].to === status) continue;
        const outcome = decideTransition(EVERY_TRANSITION, { status, version: 3 }, request(name), recordedAt);
        assert.equal(outcome.kind, 'not-allowed', `${status} → ${name}`);
      }
    }
  });

  it('follows the happy path RECEIVED → RISK_ASSESSED → AWAITING_ARRIVAL → ARRIVED → RELEASED, versions 1 to 5', () => {
    let state: { status: DeclarationStatus; version: number } = { status: 'RECEIVED', version: 1 };
    const visited: DeclarationStatus[] = [state.status];
    for (const name of ['ASSIGN_RISK_CHANNEL', 'AWAIT_ARRIVAL', 'RECORD_ARRIVAL', 'RELEASE'] as const) {
      const outcome = decideTransition(EVERY_TRANSITION, state, request(name), recordedAt);
      assert.equal(outcome.kind, 'apply', name);
      if (outcome.kind === 'apply') state = { status: outcome.entry.status, version: outcome.entry.version };
      visited.push(state.status);
    }
    assert.deepEqual(visited, ['RECEIVED', 'RISK_ASSESSED', 'AWAITING_ARRIVAL', 'ARRIVED', 'RELEASED']);
    assert.equal(state.version, 5);
  });

  it('sends a declaration whose goods never came, or came in the yellow or red channel, to an officer', () => {
    for (const status of ['AWAITING_ARRIVAL', 'ARRIVED'] as const) {
      const outcome = decideTransition(
        EVERY_TRANSITION,
        { status, version: 4 },
        request('ESCALATE_TO_MANUAL_REVIEW'),
        recordedAt,
      );
      assert.equal(outcome.kind === 'apply' && outcome.entry.status, 'MANUAL_REVIEW', status);
    }
  });
});

describe('the history entry of a status change', () => {
  const arrival = (extra: { occurredAt?: string; reason?: string; details?: Record<string, unknown> } = {}) =>
    decideTransition(
      EVERY_TRANSITION,
      { status: 'AWAITING_ARRIVAL', version: 3 },
      { transition: 'RECORD_ARRIVAL', actor: { kind: 'railway', id: 'dispatcher-2' }, ...extra },
      recordedAt,
    );

  it('names who made the change, from which status, and records when', () => {
    const outcome = arrival();

    assert.deepEqual(outcome, {
      kind: 'apply',
      entry: {
        version: 4,
        status: 'ARRIVED',
        previousStatus: 'AWAITING_ARRIVAL',
        transition: 'RECORD_ARRIVAL',
        actor: { kind: 'railway', id: 'dispatcher-2' },
        occurredAt: '2025-03-01T06:30:00.000Z',
        recordedAt: '2025-03-01T06:30:00.000Z',
        reason: 'the port reported the goods arrived',
      },
    });
  });

  it('keeps the business time the port gave, apart from the time it was recorded', () => {
    const outcome = arrival({ occurredAt: '2025-03-01T05:42:00Z' });

    assert.equal(outcome.kind === 'apply' && outcome.entry.occurredAt, '2025-03-01T05:42:00Z');
    assert.equal(outcome.kind === 'apply' && outcome.entry.recordedAt, '2025-03-01T06:30:00.000Z');
  });

  it('gives the reason the caller gave, or else the transition’s own', () => {
    const given = arrival({ reason: 'train X8001 at track 4' });
    assert.equal(given.kind === 'apply' ? given.entry.reason : undefined, 'train X8001 at track 4');
    for (const name of TRANSITION_NAMES) {
      if (name === 'FILE') continue;
      const from = TRANSITIONS[name].from[0];
      assert.ok(from !== undefined, name);
      const outcome = decideTransition(EVERY_TRANSITION, { status: from, version: 2 }, request(name), recordedAt);
      assert.equal(outcome.kind === 'apply' ? outcome.entry.reason : undefined, TRANSITIONS[name].reason, name);
    }
  });

  it('carries details (the risk rule, the port event) only when there are some', () => {
    const details = { trainNumber: 'X8001', portEventId: 'evt-1' };

    const withDetails = arrival({ details });
    const without = arrival();

    assert.deepEqual(withDetails.kind === 'apply' ? withDetails.entry.details : undefined, details);
    assert.equal(without.kind === 'apply' && Object.hasOwn(without.entry, 'details'), false);
  });
});

describe('the names of statuses and transitions', () => {
  it('gives every status the CUSRES response code a broker’s system can map', () => {
    for (const status of STATUS_NAMES) {
      assert.match(DECLARATION_STATUSES[status].cusresCode, /^[0-9]{1,3}$/, status);
      assert.ok(DECLARATION_STATUSES[status].meaning.length > 0, status);
    }
    assert.equal(DECLARATION_STATUSES.REJECTED.cusresCode, '2');
    assert.equal(DECLARATION_STATUSES.RELEASED.cusresCode, '4');
    assert.equal(DECLARATION_STATUSES.MANUAL_REVIEW.cusresCode, '6');
    assert.equal(DECLARATION_STATUSES.AWAITING_ARRIVAL.cusresCode, '9');
  });

  it('leads only to and from known statuses, and only FILE starts from nothing', () => {
    for (const name of TRANSITION_NAMES) {
      const rule = TRANSITIONS[name];
      assert.ok(STATUS_NAMES.includes(rule.to), name);
      for (const from of rule.from) assert.ok(STATUS_NAMES.includes(from), `${name} from ${from}`);
      assert.equal(rule.from.length === 0, name === 'FILE', name);
    }
  });

  it('names each status and transition by itself, for state machines to branch on', () => {
    for (const status of STATUS_NAMES) assert.equal(STATUS[status], status);
    for (const name of TRANSITION_NAMES) assert.equal(TRANSITION[name], name);
  });

  it('recognises transition names exactly, not inherited properties or other spellings', () => {
    for (const name of TRANSITION_NAMES) assert.equal(isTransitionName(name), true, name);
    for (const candidate of [
      'SUBMIT',
      'VALIDATE',
      'release',
      'toString',
      '__proto__',
      'constructor',
      '',
      undefined,
      42,
      null,
    ]) {
      assert.equal(isTransitionName(candidate), false, String(candidate));
    }
  });
});
