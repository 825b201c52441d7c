import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DeclarationDocument, ruleViolationsOf } from '#domain/declaration-types/registry.ts';
import { STATUS_NAMES } from '#domain/lifecycle.ts';
import {
  COMPLETED_BY_THE_BROKER,
  completabilityOf,
  completionClockAt,
  completionEntry,
  completionFactsOnFiling,
  completionPeriodFrom,
  completionViolations,
  DEFAULT_COMPLETION_PERIOD,
  isMootTask,
} from '#domain/two-step.ts';
import { railImportDeclaration, railImportSummary, roadImportDeclaration } from '../support/declarations.ts';

const acceptedAt = new Date('2025-02-27T10:00:00Z');
const rulesOf = (violations: readonly { pointer: string; rule: string }[]) =>
  violations.map(({ pointer, rule }) => `${pointer} ${rule}`);

describe('the two-step completion period', () => {
  it('is 14 days unless configured; a fraction of a day is a period too; nothing else is', () => {
    assert.deepEqual(completionPeriodFrom(undefined), { days: 14 });
    assert.deepEqual(completionPeriodFrom(''), DEFAULT_COMPLETION_PERIOD);
    assert.deepEqual(completionPeriodFrom('30'), { days: 30 });
    assert.deepEqual(completionPeriodFrom('0.25'), { days: 0.25 });
    for (const bad of ['0', '-1', 'two weeks', 'Infinity']) assert.throws(() => completionPeriodFrom(bad), /days/);
  });

  it('runs from the summary’s acceptance: a summary is filed with its due date, a complete declaration without', () => {
    assert.deepEqual(completionFactsOnFiling(railImportSummary(), acceptedAt, DEFAULT_COMPLETION_PERIOD), {
      completion: { dueAt: '2025-03-13T10:00:00.000Z' },
    });
    assert.deepEqual(completionFactsOnFiling(railImportSummary(), acceptedAt, { days: 0.5 }), {
      completion: { dueAt: '2025-02-27T22:00:00.000Z' },
    });
    assert.deepEqual(completionFactsOnFiling(railImportDeclaration(), acceptedAt, DEFAULT_COMPLETION_PERIOD), {});
    assert.deepEqual(completionFactsOnFiling(roadImportDeclaration(), acceptedAt, DEFAULT_COMPLETION_PERIOD), {});
  });

  it('gives the workflow’s wait the seconds left to the due date, and at least one once it has passed', () => {
    const facts = { completion: { dueAt: '2025-03-13T10:00:00.000Z' } };
    assert.deepEqual(completionClockAt(facts, new Date('2025-03-12T10:00:00Z')), {
      dueAt: '2025-03-13T10:00:00.000Z',
      secondsLeft: 86_400,
    });
    assert.equal(completionClockAt(facts, new Date('2025-03-20T00:00:00Z')).secondsLeft, 1);
    assert.deepEqual(completionClockAt({}, acceptedAt), { dueAt: acceptedAt.toISOString(), secondsLeft: 1 });
  });
});

describe('which declarations can be completed', () => {
  const becauseOf = (status: (typeof STATUS_NAMES)[number], document: DeclarationDocument) => {
    const completability = completabilityOf({ status }, document);
    return completability.kind === 'blocked' ? completability.because : undefined;
  };

  it('a rail summary, released or not, until it is cancelled or rejected', () => {
    for (const status of STATUS_NAMES) {
      const because = becauseOf(status, railImportSummary());
      if (status === 'CANCELLED' || status === 'REJECTED') assert.match(String(because), new RegExp(status));
      else assert.equal(because, undefined, status);
    }
    assert.deepEqual(completabilityOf({ status: 'RELEASED' }, railImportSummary()), {
      kind: 'open',
      summary: railImportSummary(),
    });
  });

  it('not a declaration filed or already completed as COMPLETE, nor a road one', () => {
    assert.equal(becauseOf('RELEASED', railImportDeclaration()), 'the declaration is already complete');
    assert.match(String(becauseOf('RECEIVED', roadImportDeclaration())), /ROAD_IMPORT/);
  });
});

describe('what a complete declaration must hold', () => {
  const summary = railImportSummary();

  it('the summary completed with values, parties, Incoterm, invoice and packing list passes', () => {
    assert.deepEqual(completionViolations(summary, railImportDeclaration()), []);
  });

  it('names each missing field exactly as a COMPLETE filing would, and a SUMMARY sent back as such', () => {
    const violations = completionViolations(summary, summary);
    assert.deepEqual(rulesOf(violations), [
      '/filingMode complete-filing-mode',
      ...rulesOf(ruleViolationsOf({ ...summary, filingMode: 'COMPLETE' })),
    ]);
    assert.deepEqual(rulesOf(violations).slice(1), [
      '/goods/0/value required-when-complete',
      '/consignor required-when-complete',
      '/consignee required-when-complete',
      '/incoterm required-when-complete',
      '/supportingDocuments required-document',
      '/supportingDocuments required-document',
    ]);
  });

  it('keeps the consignment and the HS codes the goods moved and were screened under', () => {
    const complete = railImportDeclaration();
    const changed = railImportDeclaration({
      train: { ...complete.train, trainDate: '2025-02-28' },
      waybillNumber: 'SMGS-00000001',
      containers: [{ number: 'MSKU9070323' }],
      clearance: { at: 'PORT' },
      goods: [{ ...complete.goods[0], hsCode: '85176200', containerNumber: 'MSKU9070323' }] as typeof complete.goods,
    });
    assert.deepEqual(rulesOf(completionViolations(summary, changed)), [
      '/train as-in-summary',
      '/waybillNumber as-in-summary',
      '/containers as-in-summary',
      '/clearance as-in-summary',
      '/goods/0/hsCode as-in-summary',
    ]);
    const extraLine = railImportDeclaration({ goods: [...complete.goods, ...complete.goods] });
    assert.deepEqual(rulesOf(completionViolations(summary, extraLine)), ['/goods as-in-summary']);
  });

  it('is a rail import', () => {
    assert.deepEqual(rulesOf(completionViolations(summary, roadImportDeclaration())), [
      '/declarationType same-declaration-type',
    ]);
  });
});

describe('the history entry of a completion', () => {
  const broker = { kind: 'broker' as const, id: 'clerk-7' };
  const current = { status: 'RELEASED' as const, version: 9, documentVersion: 1 };

  it('keeps the status, moves the document a version on, and names the broker, the time and the reason', () => {
    const entry = completionEntry(current, broker, new Date('2025-03-05T09:00:00Z'), {
      dueAt: '2025-03-13T10:00:00.000Z',
    });
    assert.deepEqual(entry, {
      version: 10,
      status: 'RELEASED',
      previousStatus: 'RELEASED',
      transition: 'COMPLETE_DOCUMENT',
      actor: broker,
      occurredAt: '2025-03-05T09:00:00.000Z',
      recordedAt: '2025-03-05T09:00:00.000Z',
      reason: COMPLETED_BY_THE_BROKER,
      details: {
        documentVersion: 2,
        previousDocumentVersion: 1,
        filingMode: 'COMPLETE',
        previousFilingMode: 'SUMMARY',
        dueAt: '2025-03-13T10:00:00.000Z',
        late: false,
      },
    });
  });

  it('says when it came after the period', () => {
    const late = completionEntry(current, broker, new Date('2025-03-14T09:00:00Z'), {
      dueAt: '2025-03-13T10:00:00.000Z',
    });
    assert.equal(late.details?.late, true);
  });
});

describe('an officer’s follow-up of a missing complete declaration', () => {
  it('is moot once the complete declaration came in; other tasks never are', () => {
    const completed = { completion: { dueAt: '2025-03-13T10:00:00.000Z', completedAt: '2025-03-13T10:00:01.000Z' } };
    assert.equal(isMootTask('COMPLETION_OVERDUE', completed), true);
    assert.equal(isMootTask('COMPLETION_OVERDUE', { completion: { dueAt: '2025-03-13T10:00:00.000Z' } }), false);
    assert.equal(isMootTask('DOCUMENT_REVIEW', completed), false);
  });
});
