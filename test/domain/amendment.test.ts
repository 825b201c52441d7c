import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { amendmentEntry, amendmentViolations, mayAmend } from '#domain/amendment.ts';
import { type DeclarationStatus, STATUS_NAMES } from '#domain/lifecycle.ts';
import { railImportDeclaration, railImportSummary, roadImportDeclaration } from '../support/declarations.ts';

describe('whether a declaration may still be amended', () => {
  // Until inspection starts; after arrival, while the inspection track has not opened.
  const AMENDABLE: Readonly<Record<DeclarationStatus, boolean>> = {
    RECEIVED: true,
    MANIFEST_MISMATCH: true,
    MANIFEST_MATCHED: true,
    RISK_ASSESSED: true,
    AWAITING_ARRIVAL: true,
    ARRIVED: true,
    DUTIES_SECURED: false,
    SLOT_BOOKED: true,
    GATED_IN: false,
    RELEASED: false,
    EXITED: false,
    CLOSED: false,
    HELD: false,
    REJECTED: false,
    MANUAL_REVIEW: false,
    CANCELLED: false,
  };
  for (const status of STATUS_NAMES) {
    it(`${status}: ${AMENDABLE[status] ? 'may' : 'may not'} be amended`, () => {
      assert.equal(mayAmend({ status }), AMENDABLE[status]);
    });
  }

  it('after arrival, only until an officer opens the inspection', () => {
    assert.equal(mayAmend({ status: 'ARRIVED', tracks: { transshipment: 'PENDING', inspection: 'PENDING' } }), true);
    assert.equal(
      mayAmend({ status: 'ARRIVED', tracks: { transshipment: 'PENDING', inspection: 'DOCUMENT_REVIEW' } }),
      false,
    );
  });
});

const rulesOf = (violations: readonly { pointer: string; rule: string }[]) =>
  violations.map(({ pointer, rule }) => ({ pointer, rule }));

describe('what an amendment may change', () => {
  it('anything else of the document: goods, parties, documents, the train’s date', () => {
    const amended = railImportDeclaration({
      train: { trainNumber: 'X8001', trainDate: '2025-02-28' },
      incoterm: 'CPT',
    });
    assert.deepEqual(amendmentViolations(railImportDeclaration(), amended), []);
  });

  it('a summary may be completed', () => {
    assert.deepEqual(amendmentViolations(railImportSummary(), railImportDeclaration()), []);
  });

  it('not the declaration type', () => {
    assert.deepEqual(rulesOf(amendmentViolations(railImportDeclaration(), roadImportDeclaration())), [
      { pointer: '/declarationType', rule: 'same-declaration-type' },
    ]);
  });

  it('not the train number', () => {
    const otherTrain = railImportDeclaration({ train: { trainNumber: 'Y9999', trainDate: '2025-02-27' } });
    assert.deepEqual(rulesOf(amendmentViolations(railImportDeclaration(), otherTrain)), [
      { pointer: '/train/trainNumber', rule: 'same-train' },
    ]);
  });

  it('a complete declaration never becomes a summary again', () => {
    assert.deepEqual(rulesOf(amendmentViolations(railImportDeclaration(), railImportSummary())), [
      { pointer: '/filingMode', rule: 'no-return-to-summary' },
    ]);
  });
});

describe('the history entry of an amendment', () => {
  it('keeps the status, moves the workflow version on, and names the new document version', () => {
    const entry = amendmentEntry(
      { status: 'AWAITING_ARRIVAL', version: 3, documentVersion: 1 },
      { kind: 'broker', id: 'clerk-7' },
      new Date('2025-03-01T07:00:00Z'),
    );
    assert.deepEqual(entry, {
      version: 4,
      status: 'AWAITING_ARRIVAL',
      previousStatus: 'AWAITING_ARRIVAL',
      transition: 'AMEND_DOCUMENT',
      actor: { kind: 'broker', id: 'clerk-7' },
      occurredAt: '2025-03-01T07:00:00.000Z',
      recordedAt: '2025-03-01T07:00:00.000Z',
      reason: 'amended by the broker',
      details: { documentVersion: 2, previousDocumentVersion: 1 },
    });
  });
});
