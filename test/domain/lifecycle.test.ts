import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DECLARATION_STATUSES,
  type DeclarationStatus,
  decideTransition,
  isTransitionName,
  submissionEntry,
  TRANSITIONS,
  type TransitionName,
} from '#domain/lifecycle.ts';

const at = new Date('2025-03-01T06:30:00Z');
const statuses = Object.keys(DECLARATION_STATUSES) as DeclarationStatus[];
const transitionNames = Object.keys(TRANSITIONS) as TransitionName[];

describe('the declaration lifecycle', () => {
  it('starts every declaration as RECEIVED, version 1, by the broker submitting it', () => {
    assert.deepEqual(submissionEntry(at), {
      version: 1,
      status: 'RECEIVED',
      transition: 'SUBMIT',
      at: '2025-03-01T06:30:00.000Z',
    });
  });

  it('moves a received declaration to VALIDATED and writes the next version', () => {
    const outcome = decideTransition({ status: 'RECEIVED', version: 1 }, 'VALIDATE', at);

    assert.deepEqual(outcome, {
      kind: 'apply',
      entry: { version: 2, status: 'VALIDATED', transition: 'VALIDATE', at: '2025-03-01T06:30:00.000Z' },
    });
  });

  it('keeps the details of a stage (e.g. the risk rule) in the history entry', () => {
    const details = { channel: 'RED', rule: 'REGULATED_GOODS_CHAPTER_93' };

    const outcome = decideTransition({ status: 'VALIDATED', version: 2 }, 'ASSIGN_RISK_CHANNEL', at, details);

    assert.equal(outcome.kind, 'apply');
    assert.deepEqual(outcome.kind === 'apply' ? outcome.entry.details : undefined, details);
  });

  it('writes nothing when a retried step finds the declaration already where it leads', () => {
    for (const name of transitionNames) {
      const { to } = TRANSITIONS[name];
      assert.deepEqual(decideTransition({ status: to, version: 7 }, name, at), { kind: 'already-applied' }, name);
    }
  });

  it('refuses to release a declaration whose goods have not arrived', () => {
    assert.deepEqual(decideTransition({ status: 'AWAITING_ARRIVAL', version: 4 }, 'RELEASE', at), {
      kind: 'not-allowed',
      from: 'AWAITING_ARRIVAL',
      to: 'RELEASED',
    });
  });

  it('never moves a rejected or released declaration on', () => {
    for (const status of ['REJECTED', 'RELEASED'] as const) {
      for (const name of transitionNames) {
        if (TRANSITIONS[name].to === status) continue;
        assert.equal(decideTransition({ status, version: 3 }, name, at).kind, 'not-allowed', `${status} → ${name}`);
      }
    }
  });

  it('applies a transition exactly from the statuses it lists, one version up', () => {
    for (const name of transitionNames) {
      const rule = TRANSITIONS[name];
      for (const status of statuses) {
        const outcome = decideTransition({ status, version: 5 }, name, at);
        const from = rule.from as readonly DeclarationStatus[];
        const expected = status === rule.to ? 'already-applied' : from.includes(status) ? 'apply' : 'not-allowed';
        assert.equal(outcome.kind, expected, `${status} → ${name}`);
        if (outcome.kind === 'apply') {
          assert.equal(outcome.entry.version, 6);
          assert.equal(outcome.entry.status, rule.to);
        }
      }
    }
  });

  it('follows the happy path RECEIVED → … → RELEASED with versions 1 to 6', () => {
    let state = { status: 'RECEIVED' as DeclarationStatus, version: 1 };
    const path: TransitionName[] = ['VALIDATE', 'ASSIGN_RISK_CHANNEL', 'AWAIT_ARRIVAL', 'RECORD_ARRIVAL', 'RELEASE'];
    for (const name of path) {
      const outcome = decideTransition(state, name, at);
      assert.equal(outcome.kind, 'apply', name);
      if (outcome.kind === 'apply') state = { status: outcome.entry.status, version: outcome.entry.version };
    }
    assert.deepEqual(state, { status: 'RELEASED', version: 6 });
  });

  it('sends a declaration whose train never came to manual review', () => {
    const outcome = decideTransition({ status: 'AWAITING_ARRIVAL', version: 4 }, 'ESCALATE_TO_MANUAL_REVIEW', at);
    assert.equal(outcome.kind, 'apply');
  });

  it('refers an arrived declaration in the yellow or red channel to an officer (the workflow does this after RecordArrival)', () => {
    const outcome = decideTransition({ status: 'ARRIVED', version: 5 }, 'ESCALATE_TO_MANUAL_REVIEW', at);
    assert.equal(outcome.kind, 'apply');
  });

  it('gives every status the CUSRES response code a broker’s system can map', () => {
    for (const status of statuses) {
      assert.match(DECLARATION_STATUSES[status].cusresCode, /^[0-9]{1,3}$/, status);
      assert.ok(DECLARATION_STATUSES[status].meaning.length > 0, status);
    }
    assert.equal(DECLARATION_STATUSES.REJECTED.cusresCode, '2');
    assert.equal(DECLARATION_STATUSES.RELEASED.cusresCode, '4');
    assert.equal(DECLARATION_STATUSES.AWAITING_ARRIVAL.cusresCode, '9');
  });

  it('only leads to and from known statuses', () => {
    for (const name of transitionNames) {
      const rule = TRANSITIONS[name];
      assert.ok(statuses.includes(rule.to), name);
      for (const from of rule.from) assert.ok(statuses.includes(from), `${name} from ${from}`);
    }
  });

  it('recognises transition names exactly, not inherited properties or other spellings', () => {
    for (const name of transitionNames) assert.equal(isTransitionName(name), true, name);
    for (const candidate of ['SUBMIT', 'release', 'toString', '__proto__', 'constructor', '', undefined, 42, null]) {
      assert.equal(isTransitionName(candidate), false, String(candidate));
    }
  });
});
