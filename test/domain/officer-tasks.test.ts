import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideTransition, STATUS_NAMES, TRANSITION_NAMES, type Tracks } from '#domain/lifecycle.ts';
import {
  approachingShareFrom,
  DECISION_NAMES,
  type DecisionName,
  OFFICER_DECISIONS,
  OFFICER_TASK_KINDS,
  OPENING_TRANSITION,
  planDecision,
  slaStateOf,
} from '#domain/officer-tasks.ts';

const at = new Date('2025-03-01T12:00:00Z');
const officer = { kind: 'officer' as const, id: 'officer-17' };

describe('officer decisions', () => {
  it('resume the workflow with APPROVE, REQUEST_DOCUMENTS or REJECT, the names the state machine branches on', () => {
    assert.deepEqual(Object.keys(OFFICER_DECISIONS).sort(), ['APPROVE', 'REJECT', 'REQUEST_DOCUMENTS']);
    for (const decision of ['APPROVE', 'REQUEST_DOCUMENTS', 'REJECT'] as const) {
      const plan = planDecision('DOCUMENT_REVIEW', 'ARRIVED', decision);
      assert.equal(plan.kind, 'decide');
      assert.deepEqual(plan.kind === 'decide' && plan.resumeWith, { decision });
    }
  });

  it('HOLD detains the goods and leaves the workflow waiting', () => {
    assert.deepEqual(planDecision('PHYSICAL_INSPECTION', 'ARRIVED', 'HOLD'), { kind: 'decide', transitions: ['HOLD'] });
  });

  it('an approved document review passes the inspection; a held one is first let go on', () => {
    assert.deepEqual(planDecision('DOCUMENT_REVIEW', 'ARRIVED', 'APPROVE'), {
      kind: 'decide',
      transitions: ['PASS_INSPECTION'],
      resumeWith: { decision: 'APPROVE' },
    });
    assert.deepEqual(planDecision('DOCUMENT_REVIEW', 'HELD', 'APPROVE'), {
      kind: 'decide',
      transitions: ['RESUME', 'PASS_INSPECTION'],
      resumeWith: { decision: 'APPROVE' },
    });
  });

  it('approving a manual review sends the declaration back where it was', () => {
    assert.deepEqual(planDecision('MANUAL_REVIEW', 'MANUAL_REVIEW', 'APPROVE'), {
      kind: 'decide',
      transitions: ['RESUME'],
      resumeWith: { decision: 'APPROVE' },
    });
  });

  it('closes the follow-up of a missing complete declaration on an officer’s APPROVE; the goods stay released', () => {
    assert.deepEqual(planDecision('COMPLETION_OVERDUE', 'RELEASED', 'APPROVE'), {
      kind: 'decide',
      transitions: ['CLOSE_COMPLETION_FOLLOW_UP'],
      resumeWith: { decision: 'APPROVE' },
    });
    for (const decision of ['REQUEST_DOCUMENTS', 'HOLD', 'REJECT'] as const) {
      const plan = planDecision('COMPLETION_OVERDUE', 'RELEASED', decision);
      assert.equal(plan.kind, 'refused', decision);
      assert.match(plan.kind === 'refused' ? plan.because : '', /released/);
    }
    assert.equal(planDecision('COMPLETION_OVERDUE', 'ARRIVED', 'APPROVE').kind, 'refused', 'not released yet');
  });

  it('refuses documents requested in a manual review, a second hold, and any decision on a declaration that waits for none', () => {
    assert.equal(planDecision('MANUAL_REVIEW', 'MANUAL_REVIEW', 'REQUEST_DOCUMENTS').kind, 'refused');
    assert.equal(planDecision('DOCUMENT_REVIEW', 'HELD', 'HOLD').kind, 'refused');
    for (const status of [
      'RECEIVED',
      'AWAITING_ARRIVAL',
      'RELEASED',
      'REJECTED',
      'CANCELLED',
      'DUTIES_SECURED',
    ] as const) {
      for (const kind of OFFICER_TASK_KINDS) {
        // The one task on released goods: the follow-up of a two-step summary's missing complete declaration.
        if (kind === 'COMPLETION_OVERDUE' && status === 'RELEASED') continue;
        for (const decision of DECISION_NAMES) {
          assert.equal(planDecision(kind, status, decision).kind, 'refused', `${kind} ${status} ${decision}`);
        }
      }
    }
    assert.equal(planDecision('MANUAL_REVIEW', 'ARRIVED', 'APPROVE').kind, 'refused', 'no review under way');
  });

  it('every plan the module makes is one the lifecycle allows, in order, from where the task left the declaration', () => {
    const tracks: Tracks = { transshipment: 'IN_PROGRESS', inspection: 'DOCUMENT_REVIEW' };
    const states = [
      { kind: 'DOCUMENT_REVIEW', state: { status: 'ARRIVED', version: 7, tracks } },
      { kind: 'DOCUMENT_REVIEW', state: { status: 'HELD', version: 8, tracks, resumeStatus: 'ARRIVED' } },
      {
        kind: 'PHYSICAL_INSPECTION',
        state: {
          status: 'MANUAL_REVIEW',
          version: 8,
          tracks: { ...tracks, inspection: 'PHYSICAL_INSPECTION' },
          resumeStatus: 'ARRIVED',
        },
      },
      { kind: 'MANUAL_REVIEW', state: { status: 'MANUAL_REVIEW', version: 4, resumeStatus: 'AWAITING_ARRIVAL' } },
      { kind: 'MANUAL_REVIEW', state: { status: 'HELD', version: 5, resumeStatus: 'AWAITING_ARRIVAL' } },
      { kind: 'COMPLETION_OVERDUE', state: { status: 'RELEASED', version: 12 } },
    ] as const;
    for (const { kind, state } of states) {
      for (const decision of DECISION_NAMES) {
        const plan = planDecision(kind, state.status, decision as DecisionName);
        if (plan.kind === 'refused') continue;
        let current: Parameters<typeof decideTransition>[1] = state;
        for (const transition of plan.transitions) {
          const outcome = decideTransition(TRANSITION_NAMES, current, { transition, actor: officer }, at);
          assert.equal(outcome.kind, 'apply', `${kind} on ${current.status}: ${decision} → ${transition}`);
          if (outcome.kind === 'apply') current = outcome.next;
        }
        if (decision === 'APPROVE' && kind !== 'MANUAL_REVIEW') {
          assert.equal(current.status, kind === 'COMPLETION_OVERDUE' ? 'RELEASED' : 'ARRIVED');
        }
      }
    }
  });

  it('opening a task records the transition its kind names; a completion follow-up, flagged just before, none', () => {
    assert.deepEqual(OPENING_TRANSITION, {
      DOCUMENT_REVIEW: 'OPEN_DOCUMENT_REVIEW',
      PHYSICAL_INSPECTION: 'OPEN_PHYSICAL_INSPECTION',
      MANUAL_REVIEW: 'ESCALATE_TO_MANUAL_REVIEW',
      COMPLETION_OVERDUE: undefined,
    });
    for (const transition of Object.values(OPENING_TRANSITION)) {
      if (transition !== undefined) assert.ok(TRANSITION_NAMES.includes(transition));
    }
    assert.ok(STATUS_NAMES.includes('MANUAL_REVIEW'));
  });
});

describe('the SLA state of a task', () => {
  const task = { openedAt: '2025-03-01T08:00:00Z', dueAt: '2025-03-01T18:00:00Z' };

  it('is OK while less than 80% of the time to the deadline is used', () => {
    assert.equal(slaStateOf(task, new Date('2025-03-01T15:59:59Z')), 'OK');
  });

  it('is APPROACHING from 80% of the time used until the deadline', () => {
    assert.equal(slaStateOf(task, new Date('2025-03-01T16:00:00Z')), 'APPROACHING');
    assert.equal(slaStateOf(task, new Date('2025-03-01T17:59:59Z')), 'APPROACHING');
  });

  it('is BREACHED at the deadline and after', () => {
    assert.equal(slaStateOf(task, new Date('2025-03-01T18:00:00Z')), 'BREACHED');
    assert.equal(slaStateOf(task, new Date('2025-03-02T08:00:00Z')), 'BREACHED');
  });

  it('takes the approaching share from configuration', () => {
    assert.equal(slaStateOf(task, new Date('2025-03-01T13:00:00Z'), 0.5), 'APPROACHING');
    assert.equal(slaStateOf(task, new Date('2025-03-01T12:59:00Z'), 0.5), 'OK');
    assert.equal(approachingShareFrom('0.5'), 0.5);
    assert.equal(approachingShareFrom(undefined), 0.8);
    for (const bad of ['0', '1', '1.5', '-0.2', 'most'])
      assert.throws(() => approachingShareFrom(bad), /between 0 and 1/);
  });

  it('compares instants, whatever the offset the times were given in', () => {
    const kazakh = { openedAt: '2025-03-01T14:00:00+06:00', dueAt: '2025-03-02T00:00:00+06:00' };
    assert.equal(slaStateOf(kazakh, new Date('2025-03-01T16:00:00Z')), 'APPROACHING');
  });

  it('is OK for a task without a deadline', () => {
    assert.equal(slaStateOf({ openedAt: task.openedAt }, new Date('2030-01-01T00:00:00Z')), 'OK');
  });
});
