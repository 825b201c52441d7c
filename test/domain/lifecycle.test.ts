import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor } from '#domain/actors.ts';
import { lifecycleOf } from '#domain/declaration-types/registry.ts';
import {
  DECLARATION_STATUSES,
  type DeclarationStatus,
  decideTransition,
  filingEntry,
  isTransitionName,
  type Lifecycle,
  type LifecycleState,
  STATUS,
  STATUS_MEANINGS,
  STATUS_NAMES,
  TRANSITION,
  TRANSITION_NAMES,
  TRANSITIONS,
  type Tracks,
  type TransitionName,
  tracksOnArrival,
} from '#domain/lifecycle.ts';

const recordedAt = new Date('2025-03-01T06:30:00Z');
const broker: Actor = { kind: 'broker', id: 'clerk-7' };
const workflow: Actor = { kind: 'system', id: 'workflow' };
/** Every transition there is: the lifecycle under which only the TRANSITIONS table decides. */
const EVERY_TRANSITION: Lifecycle = TRANSITION_NAMES;

/** The transitions that lead to a fixed status (not a track move, not a return to where a review began). */
const STATUS_MOVES = TRANSITION_NAMES.filter(
  (name) => !Object.hasOwn(TRANSITIONS[name], 'track') && (STATUS_NAMES as string[]).includes(TRANSITIONS[name].to),
);
const arrivedWith = (tracks: Tracks) => ({ status: 'ARRIVED' as const, version: 6, tracks });

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

  for (const name of STATUS_MOVES) {
    const rule = TRANSITIONS[name] as { to: DeclarationStatus; from: readonly DeclarationStatus[] };
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

  it('never moves a rejected, released or cancelled declaration on, but for a released truck’s way out', () => {
    // A released truck still leaves through the border (or an officer looks for it); released under a two-step
    // summary, the goods stay released while the complete declaration is followed up; a corrected arrival report
    // re-stamps a released rail declaration without moving it.
    const stillAllowed: Partial<Record<string, readonly string[]>> = {
      RELEASED: ['RECORD_EXIT', 'ESCALATE_TO_MANUAL_REVIEW'],
      EXITED: ['CLOSE'],
    };
    const twoStepFollowUp: readonly string[] = [
      'FLAG_COMPLETION_OVERDUE',
      'CLOSE_COMPLETION_FOLLOW_UP',
      'CORRECT_ARRIVAL',
    ];
    for (const status of ['REJECTED', 'RELEASED', 'EXITED', 'CLOSED', 'CANCELLED'] as const) {
      for (const name of TRANSITION_NAMES) {
        if (TRANSITIONS[name].to === status || stillAllowed[status]?.includes(name)) continue;
        const outcome = decideTransition(EVERY_TRANSITION, { status, version: 3 }, request(name), recordedAt);
        if (status === 'RELEASED' && twoStepFollowUp.includes(name)) {
          assert.equal(outcome.kind === 'apply' && outcome.next.status, 'RELEASED', `${status} → ${name}`);
        } else {
          assert.equal(outcome.kind, 'not-allowed', `${status} → ${name}`);
        }
      }
    }
  });

  it('takes a green rail declaration from RECEIVED to RELEASED, the gauge change on its own track', () => {
    let state: LifecycleState = { status: 'RECEIVED', version: 1 };
    const visited: string[] = [state.status];
    for (const name of [
      'MATCH_MANIFEST',
      'ASSIGN_RISK_CHANNEL',
      'AWAIT_ARRIVAL',
      'RECORD_ARRIVAL',
      'START_TRANSSHIPMENT',
      'COMPLETE_TRANSSHIPMENT',
      'SECURE_DUTIES',
      'RELEASE',
    ] as const) {
      const outcome = decideTransition(EVERY_TRANSITION, state, request(name), recordedAt, {
        tracks: tracksOnArrival(false),
      });
      assert.equal(outcome.kind, 'apply', name);
      if (outcome.kind === 'apply') state = outcome.next;
      visited.push(state.tracks === undefined ? state.status : `${state.status}/${state.tracks.transshipment}`);
    }
    assert.deepEqual(visited, [
      'RECEIVED',
      'MANIFEST_MATCHED',
      'RISK_ASSESSED',
      'AWAITING_ARRIVAL',
      'ARRIVED/PENDING',
      'ARRIVED/IN_PROGRESS',
      'ARRIVED/COMPLETED',
      'DUTIES_SECURED/COMPLETED',
      'RELEASED/COMPLETED',
    ]);
    assert.equal(state.version, 9, 'one version per history entry, track moves included');
  });

  it('moves the two tracks independently, and secures duties only when both are done', () => {
    const both = arrivedWith(tracksOnArrival(true));
    const afterReview = decideTransition(EVERY_TRANSITION, both, request('OPEN_DOCUMENT_REVIEW'), recordedAt);
    assert.equal(afterReview.kind === 'apply' && afterReview.next.tracks?.inspection, 'DOCUMENT_REVIEW');
    assert.equal(afterReview.kind === 'apply' && afterReview.next.tracks?.transshipment, 'PENDING');
    assert.equal(afterReview.kind === 'apply' && afterReview.entry.status, 'ARRIVED', 'a track move keeps the status');
    assert.equal(afterReview.kind === 'apply' && afterReview.entry.track, 'inspection');

    const early = decideTransition(EVERY_TRANSITION, both, request('SECURE_DUTIES'), recordedAt);
    assert.equal(early.kind, 'not-allowed');
    assert.match(early.kind === 'not-allowed' ? String(early.because) : '', /not both done/);

    const done = arrivedWith({ transshipment: 'COMPLETED', inspection: 'PASSED' });
    assert.equal(decideTransition(EVERY_TRANSITION, done, request('SECURE_DUTIES'), recordedAt).kind, 'apply');
  });

  it('treats a track move that already happened as a retry, and refuses one out of order', () => {
    const started = arrivedWith({ transshipment: 'IN_PROGRESS', inspection: 'NOT_REQUIRED' });
    assert.deepEqual(decideTransition(EVERY_TRANSITION, started, request('START_TRANSSHIPMENT'), recordedAt), {
      kind: 'already-applied',
    });
    const passed = arrivedWith({ transshipment: 'PENDING', inspection: 'NOT_REQUIRED' });
    assert.equal(
      decideTransition(EVERY_TRANSITION, passed, request('REQUEST_DOCUMENTS'), recordedAt).kind,
      'not-allowed',
    );
  });

  it('lets an officer send a declaration under review or on hold back to where it was', () => {
    const review = decideTransition(
      EVERY_TRANSITION,
      { status: 'AWAITING_ARRIVAL', version: 4 },
      request('ESCALATE_TO_MANUAL_REVIEW'),
      recordedAt,
    );
    assert.ok(review.kind === 'apply');
    assert.equal(review.next.resumeStatus, 'AWAITING_ARRIVAL');
    const held = decideTransition(EVERY_TRANSITION, review.next, request('HOLD'), recordedAt);
    assert.ok(held.kind === 'apply');
    assert.equal(held.next.resumeStatus, 'AWAITING_ARRIVAL', 'a hold during review keeps where the review began');
    const resumed = decideTransition(EVERY_TRANSITION, held.next, request('RESUME'), recordedAt);
    assert.ok(resumed.kind === 'apply');
    assert.equal(resumed.entry.status, 'AWAITING_ARRIVAL');
    assert.equal(resumed.next.resumeStatus, undefined);
    assert.equal(decideTransition(EVERY_TRANSITION, resumed.next, request('RESUME'), recordedAt).kind, 'not-allowed');
  });

  it('lets the broker cancel until release, and not after', () => {
    for (const status of STATUS_NAMES) {
      const outcome = decideTransition(EVERY_TRANSITION, { status, version: 3 }, request('CANCEL'), recordedAt);
      const expected =
        status === 'CANCELLED'
          ? 'already-applied'
          : ['RELEASED', 'EXITED', 'CLOSED', 'REJECTED'].includes(status)
            ? 'not-allowed'
            : 'apply';
      assert.equal(outcome.kind, expected, status);
    }
  });

  it('takes a green truck from RECEIVED through its slot, the gate and the border to CLOSED', () => {
    let state: LifecycleState = { status: 'RECEIVED', version: 1 };
    const visited: string[] = [state.status];
    for (const name of [
      'ASSIGN_RISK_CHANNEL',
      'CONFIRM_BOOKING',
      'GATE_IN',
      'SECURE_DUTIES',
      'RELEASE',
      'RECORD_EXIT',
      'CLOSE',
    ] as const) {
      const outcome = decideTransition(lifecycleOf('ROAD_EXPORT'), state, request(name), recordedAt);
      assert.equal(outcome.kind, 'apply', name);
      if (outcome.kind === 'apply') state = outcome.next;
      visited.push(state.status);
    }
    assert.deepEqual(visited, [
      'RECEIVED',
      'RISK_ASSESSED',
      'SLOT_BOOKED',
      'GATED_IN',
      'DUTIES_SECURED',
      'RELEASED',
      'EXITED',
      'CLOSED',
    ]);
  });

  it('holds a truck the gate does not accept, and lets an officer send it back where it was', () => {
    for (const status of ['SLOT_BOOKED', 'GATED_IN'] as const) {
      const held = decideTransition(lifecycleOf('ROAD_IMPORT'), { status, version: 4 }, request('HOLD'), recordedAt);
      assert.equal(held.kind, 'apply');
      if (held.kind !== 'apply') continue;
      assert.equal(held.next.status, 'HELD');
      const resumed = decideTransition(lifecycleOf('ROAD_IMPORT'), held.next, request('RESUME'), recordedAt);
      assert.equal(resumed.kind === 'apply' && resumed.next.status, status);
    }
  });

  it('keeps the highway’s slot, gate and exit out of the rail lifecycle', () => {
    for (const name of ['CONFIRM_BOOKING', 'GATE_IN', 'RECORD_EXIT', 'CLOSE'] as const) {
      assert.equal(lifecycleOf('RAIL_IMPORT').includes(name), false, name);
      assert.equal(lifecycleOf('ROAD_EXPORT').includes(name), true, name);
    }
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
      next: { status: 'ARRIVED', version: 4 },
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
    for (const name of STATUS_MOVES) {
      if (name === 'FILE') continue;
      const from = TRANSITIONS[name].from[0];
      assert.ok(from !== undefined, name);
      const tracks = { transshipment: 'COMPLETED', inspection: 'PASSED' } as const;
      const outcome = decideTransition(
        EVERY_TRANSITION,
        { status: from, version: 2, tracks },
        request(name),
        recordedAt,
      );
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
      if (status === 'CANCELLED') continue; // no CUSRES code answers a declarant's own cancellation
      assert.match(String(DECLARATION_STATUSES[status].cusresCode), /^[0-9]{1,3}$/, status);
      assert.ok(STATUS_MEANINGS[status].length > 0, status);
    }
    assert.equal(DECLARATION_STATUSES.REJECTED.cusresCode, '2');
    assert.equal(DECLARATION_STATUSES.RELEASED.cusresCode, '4');
    assert.equal(DECLARATION_STATUSES.MANUAL_REVIEW.cusresCode, '6');
    assert.equal(DECLARATION_STATUSES.AWAITING_ARRIVAL.cusresCode, '9');
  });

  it('leads only to and from known statuses, and only FILE starts from nothing', () => {
    for (const name of TRANSITION_NAMES) {
      const rule = TRANSITIONS[name];
      assert.ok((STATUS_NAMES as string[]).includes(rule.to) || ['PREVIOUS', 'SAME'].includes(rule.to), name);
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
