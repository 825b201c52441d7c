import { containerViolations, type RuleViolation } from '../document-parts.ts';
import type { RiskProfile } from '../risk.ts';
import type { RailImportDeclaration, SupportingDocumentType } from '../schemas/rail-import.ts';

export type { RailImportDeclaration };

/**
 * The two-step declaration (DOMAIN.md R3): a SUMMARY carries what the 2024 fast-clearance filing needs (train,
 * waybill, containers or wagons, goods lines with HS code, description and gross mass: all required by the
 * schema); a COMPLETE declaration adds what duties and the document check need. Each is named here, so a
 * refusal lists every missing field at once.
 */
const DOCUMENTS_A_COMPLETE_DECLARATION_NEEDS: readonly SupportingDocumentType[] = ['INVOICE', 'PACKING_LIST'];

export function railImportViolations(document: RailImportDeclaration): RuleViolation[] {
  const violations = [
    ...transportViolations(document),
    ...containerViolations(document.containers ?? [], document.goods),
    ...wagonViolations(document),
    ...massViolations(document),
  ];
  return document.filingMode === 'COMPLETE' ? [...violations, ...completenessViolations(document)] : violations;
}

function transportViolations(document: RailImportDeclaration): RuleViolation[] {
  if (document.containers !== undefined || document.wagons !== undefined) return [];
  return [
    {
      pointer: '/containers',
      rule: 'containers-or-wagons',
      detail: 'list the containers, the wagons, or both: the manifest is matched on them',
    },
  ];
}

/** Wagons listed twice, and goods lines naming a wagon the declaration does not list. */
function wagonViolations(document: RailImportDeclaration): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const seen = new Set<string>();
  (document.wagons ?? []).forEach((wagon, index) => {
    if (seen.has(wagon.number)) {
      violations.push({
        pointer: `/wagons/${index}/number`,
        rule: 'unique-wagon',
        detail: `wagon ${wagon.number} is listed more than once`,
      });
    }
    seen.add(wagon.number);
  });
  document.goods.forEach((line, index) => {
    if (line.wagonNumber !== undefined && !seen.has(line.wagonNumber)) {
      violations.push({
        pointer: `/goods/${index}/wagonNumber`,
        rule: 'declared-wagon',
        detail: `goods line refers to wagon ${line.wagonNumber}, which is not in /wagons`,
      });
    }
  });
  return violations;
}

function massViolations(document: RailImportDeclaration): RuleViolation[] {
  return document.goods.flatMap((line, index) =>
    line.netMassKg !== undefined && line.netMassKg > line.grossMassKg
      ? [{ pointer: `/goods/${index}/netMassKg`, rule: 'net-within-gross', detail: 'exceeds the gross mass' }]
      : [],
  );
}

/** What a COMPLETE declaration needs beyond a SUMMARY; the rule name says why each missing field is refused. */
export function completenessViolations(document: RailImportDeclaration): RuleViolation[] {
  const missing = (pointer: string, what: string): RuleViolation => ({
    pointer,
    rule: 'required-when-complete',
    detail: `a COMPLETE declaration needs ${what}`,
  });
  const violations: RuleViolation[] = [];
  document.goods.forEach((line, index) => {
    if (line.value === undefined) violations.push(missing(`/goods/${index}/value`, 'the value of every goods line'));
  });
  if (document.consignor === undefined) violations.push(missing('/consignor', 'the consignor'));
  if (document.consignee === undefined) violations.push(missing('/consignee', 'the consignee'));
  if (document.incoterm === undefined) violations.push(missing('/incoterm', 'the Incoterm'));
  const types = new Set((document.supportingDocuments ?? []).map(({ type }) => type));
  for (const type of DOCUMENTS_A_COMPLETE_DECLARATION_NEEDS) {
    if (!types.has(type)) {
      violations.push({
        pointer: '/supportingDocuments',
        rule: 'required-document',
        detail: `a COMPLETE declaration needs a supporting document of type ${type}`,
      });
    }
  }
  return violations;
}

/** Every rule applies to a train load; the port's green channel speeds its agricultural imports. */
export const RAIL_IMPORT_RISK_PROFILE: RiskProfile = {
  lane: 'RAIL_IMPORT',
  rules: [
    'AGRICULTURAL_GREEN_CHANNEL',
    'QUARANTINE_CERTIFICATE_MISSING',
    'HIGH_RISK_CHAPTER',
    'LICENCE_MISSING',
    'VALUE_BELOW_REFERENCE',
    'FIRST_TIME_CONSIGNEE',
    'RANDOM_SELECTION',
  ],
};

/** What the railway and the port see: the transport, not the commercial values, the parties or the documents. */
export function railImportLogistics(document: RailImportDeclaration) {
  return {
    declarationType: document.declarationType,
    filingMode: document.filingMode,
    train: document.train,
    waybillNumber: document.waybillNumber,
    waybillKind: document.waybillKind,
    ...(document.expectedArrivalAt === undefined ? {} : { expectedArrivalAt: document.expectedArrivalAt }),
    ...(document.containers === undefined ? {} : { containers: document.containers }),
    ...(document.wagons === undefined ? {} : { wagons: document.wagons }),
    clearance: document.clearance,
  };
}
