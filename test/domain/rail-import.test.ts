import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ruleViolationsOf } from '#domain/declaration-types/registry.ts';
import * as routes from '#generated/routes.ts';
import { fieldProblemOf } from '#shared/validation.ts';
import { railImportDeclaration, railImportSummary } from '../support/declarations.ts';

/** What the filing route's schema says of a body: the field and rule of each problem, none if it passes. */
function schemaProblems(body: unknown): { field: string; rule: string }[] {
  const validate = routes.fileDeclaration.validators.body;
  assert.ok(validate);
  if (validate(body)) return [];
  return (validate.errors ?? []).map((error) => {
    const { field, rule } = fieldProblemOf(error, 'body');
    return { field, rule };
  });
}

const rulesOf = (document: Parameters<typeof ruleViolationsOf>[0]) =>
  ruleViolationsOf(document).map(({ pointer, rule }) => ({ pointer, rule }));

describe('the rail import declaration: what every filing carries', () => {
  it('accepts a complete declaration and a summary', () => {
    assert.deepEqual(schemaProblems(railImportDeclaration()), []);
    assert.deepEqual(schemaProblems(railImportSummary()), []);
    assert.deepEqual(rulesOf(railImportDeclaration()), []);
    assert.deepEqual(rulesOf(railImportSummary()), []);
  });

  it('needs the train by number and date: the manifest and the arrival are matched on it', () => {
    const { train: _train, ...withoutTrain } = railImportSummary();
    assert.deepEqual(schemaProblems(withoutTrain), [{ field: '/train', rule: 'required' }]);
    const undated = { ...railImportSummary(), train: { trainNumber: 'X8001' } };
    assert.deepEqual(schemaProblems(undated), [{ field: '/train/trainDate', rule: 'required' }]);
    const impossibleDate = railImportSummary({ train: { trainNumber: 'X8001', trainDate: '2026-02-29' } });
    assert.deepEqual(schemaProblems(impossibleDate), [{ field: '/train/trainDate', rule: 'date' }]);
  });

  it('names the kind of through waybill: SMGS or CIM/SMGS', () => {
    assert.deepEqual(schemaProblems({ ...railImportSummary(), waybillKind: 'CMR' }), [
      { field: '/waybillKind', rule: 'enum' },
    ]);
  });

  it('says where the goods are cleared: at the port, or inland at a 4-digit customs office', () => {
    assert.deepEqual(schemaProblems(railImportSummary({ clearance: { at: 'PORT' } })), []);
    assert.deepEqual(schemaProblems({ ...railImportSummary(), clearance: { at: 'INLAND' } }), [
      { field: '/clearance/customsOffice', rule: 'required' },
    ]);
    assert.deepEqual(schemaProblems({ ...railImportSummary(), clearance: { at: 'INLAND', customsOffice: '65' } }), [
      { field: '/clearance/customsOffice', rule: 'pattern' },
    ]);
    assert.deepEqual(schemaProblems({ ...railImportSummary(), clearance: { at: 'PORT', customsOffice: '6501' } }), [
      { field: '/clearance/customsOffice', rule: 'additionalProperties' },
    ]);
  });

  it('takes wagon numbers of 8 or 12 digits, and supporting documents with a real issue date', () => {
    assert.deepEqual(schemaProblems(railImportSummary({ wagons: [{ number: '24736120' }] })), []);
    assert.deepEqual(schemaProblems(railImportSummary({ wagons: [{ number: '2473612' }] })), [
      { field: '/wagons/0/number', rule: 'pattern' },
    ]);
    const documents = [{ type: 'INVOICE' as const, number: 'INV-1', issuer: 'Seller', issuedOn: '2025-02-30' }];
    assert.deepEqual(schemaProblems(railImportDeclaration({ supportingDocuments: documents })), [
      { field: '/supportingDocuments/0/issuedOn', rule: 'date' },
    ]);
  });

  it('refuses a currency that is not ISO 4217 and an origin that is not ISO 3166', () => {
    const [line] = railImportDeclaration().goods;
    const goods = [{ ...line, value: { amount: 10, currency: 'XYZ' }, originCountry: 'QQ' }];
    assert.deepEqual(schemaProblems(railImportDeclaration({ goods: goods as never })), [
      { field: '/goods/0/value/currency', rule: 'iso4217-currency' },
      { field: '/goods/0/originCountry', rule: 'iso3166-country' },
    ]);
  });
});

describe('the rail import declaration: the rules of its content', () => {
  it('needs containers, wagons or both', () => {
    const { containers: _c, ...withoutTransport } = railImportSummary();
    const goods = withoutTransport.goods.map(({ containerNumber: _n, ...line }) => line);
    assert.deepEqual(rulesOf({ ...withoutTransport, goods }), [
      { pointer: '/containers', rule: 'containers-or-wagons' },
    ]);
    assert.deepEqual(rulesOf({ ...withoutTransport, goods, wagons: [{ number: '24736120' }] }), []);
  });

  it('refuses a wagon listed twice and a goods line in a wagon it does not list', () => {
    const [line] = railImportSummary().goods;
    const document = railImportSummary({
      wagons: [{ number: '24736120' }, { number: '24736120' }],
      goods: [{ ...(line as NonNullable<typeof line>), wagonNumber: '60012345' }],
    });
    assert.deepEqual(rulesOf(document), [
      { pointer: '/wagons/1/number', rule: 'unique-wagon' },
      { pointer: '/goods/0/wagonNumber', rule: 'declared-wagon' },
    ]);
  });

  it('refuses a net mass above the gross mass', () => {
    const [line] = railImportSummary().goods;
    const document = railImportSummary({
      goods: [{ ...(line as NonNullable<typeof line>), grossMassKg: 100, netMassKg: 120 }],
    });
    assert.deepEqual(rulesOf(document), [{ pointer: '/goods/0/netMassKg', rule: 'net-within-gross' }]);
  });
});

describe('two-step declaration: a summary moves the goods, the complete declaration follows', () => {
  it('a summary needs no values, parties, Incoterm or documents', () => {
    const summary = railImportSummary();
    assert.equal(summary.consignee, undefined);
    assert.equal(summary.goods[0]?.value, undefined);
    assert.deepEqual(rulesOf(summary), []);
  });

  it('the same content filed as COMPLETE is refused naming each missing field', () => {
    const incomplete = { ...railImportSummary(), filingMode: 'COMPLETE' as const };
    assert.deepEqual(rulesOf(incomplete), [
      { pointer: '/goods/0/value', rule: 'required-when-complete' },
      { pointer: '/consignor', rule: 'required-when-complete' },
      { pointer: '/consignee', rule: 'required-when-complete' },
      { pointer: '/incoterm', rule: 'required-when-complete' },
      { pointer: '/supportingDocuments', rule: 'required-document' },
      { pointer: '/supportingDocuments', rule: 'required-document' },
    ]);
    const details = ruleViolationsOf(incomplete).map(({ detail }) => detail);
    assert.ok(details.some((detail) => detail.includes('INVOICE')));
    assert.ok(details.some((detail) => detail.includes('PACKING_LIST')));
  });

  it('a complete declaration with an invoice but no packing list is refused for the packing list only', () => {
    const document = railImportDeclaration();
    document.supportingDocuments = document.supportingDocuments?.filter(({ type }) => type === 'INVOICE');
    assert.deepEqual(
      ruleViolationsOf(document).map(({ pointer, rule, detail }) => ({
        pointer,
        rule,
        packing: detail.includes('PACKING_LIST'),
      })),
      [{ pointer: '/supportingDocuments', rule: 'required-document', packing: true }],
    );
  });
});
