import type { RuleViolation } from '../document-parts.ts';
import {
  type DeclarationStatus,
  type Lifecycle,
  STATUS_NAMES,
  TRANSITIONS,
  type TransitionName,
} from '../lifecycle.ts';
import type { Milestone } from '../port-events.ts';
import { assessRiskOf, type RiskAssessment, type RiskContext, type RiskProfile } from '../risk.ts';
import type { Role } from '../roles.ts';
import type { DeclarationDocument } from '../schemas/declaration-document.ts';
import { lifecycleOf, RAIL_IMPORT_LIFECYCLE, ROAD_LIFECYCLE } from './lifecycles.ts';

export { lifecycleOf, tracksOnArrivalOf } from './lifecycles.ts';
export type { DeclarationDocument };

import {
  RAIL_IMPORT_RISK_PROFILE,
  type RailImportDeclaration,
  railImportLogistics,
  railImportViolations,
} from './rail-import.ts';
import {
  gateKeyOf,
  ROAD_EXPORT_RISK_PROFILE,
  ROAD_IMPORT_RISK_PROFILE,
  type RoadExportDeclaration,
  type RoadImportDeclaration,
  roadLogistics,
  roadViolations,
  roadWarnings,
} from './road.ts';

/**
 * The registry of declaration types: for each, its schema, its workflow (state machine), its lifecycle and
 * statuses, its risk rules, what it waits for at the port, and what each role may see of it. Everything
 * that differs between rail and road is decided here; the rest of the system asks.
 */

/**
 * The workflows (one state machine each), the port milestone each waits for, and whether a report that came
 * in before the declaration reached its wait counts. A waybill names one shipment, so a train reported early
 * is that shipment's arrival; a plate names a truck that comes back trip after trip, so only a gate-in
 * reported while the declaration waits can be its own.
 */
export const WORKFLOWS = {
  'rail-import': {
    awaits: 'TRAIN_ARRIVED',
    earlierReports: 'count',
    description: 'Rail import: advance declaration to release',
  },
  road: {
    awaits: 'TRUCK_GATED_IN',
    earlierReports: 'ignore',
    description: 'Highway freight: advance declaration to release',
  },
} as const satisfies Record<string, { awaits: Milestone; earlierReports: 'count' | 'ignore'; description: string }>;
export type WorkflowId = keyof typeof WORKFLOWS;
// Pure (as lifecycle.ts's name lists): a function that does not read it leaves it out of its bundle.
export const WORKFLOW_IDS = /* @__PURE__ */ Object.keys(WORKFLOWS) as WorkflowId[];

/** full: the whole document; logistics: the transport only; none: the declaration does not exist for that role. */
export type Visibility = 'full' | 'logistics' | 'none';

interface DeclarationTypeDefinition<TDocument> {
  readonly mode: 'RAIL' | 'ROAD';
  readonly direction: 'IMPORT' | 'EXPORT';
  readonly workflow: WorkflowId;
  readonly lifecycle: Lifecycle;
  /** Whether arrival starts the transshipment and inspection tracks. */
  readonly hasTracks: boolean;
  readonly violations: (document: TDocument) => RuleViolation[];
  readonly warnings: (document: TDocument) => RuleViolation[];
  /** Its lane and the risk rules it runs (functions/domain/risk-rules.ts). */
  readonly risk: RiskProfile;
  /** The key its milestone event is matched on (a waybill, a plate). */
  readonly milestoneKey: (document: TDocument) => string;
  /** Owners (the filing broker) always see the full document; other roles as listed. */
  readonly visibility: Readonly<Record<Exclude<Role, 'broker'>, Visibility>>;
  readonly logistics: (document: TDocument) => Record<string, unknown>;
}

const noWarnings = () => [];

/** Highway exports and imports share the truck's workflow, rules and views; only the direction differs. */
function roadDefinition<TDocument extends RoadExportDeclaration | RoadImportDeclaration>(
  direction: 'IMPORT' | 'EXPORT',
): DeclarationTypeDefinition<TDocument> {
  return {
    mode: 'ROAD',
    direction,
    workflow: 'road',
    lifecycle: ROAD_LIFECYCLE,
    hasTracks: false,
    violations: roadViolations,
    warnings: roadWarnings,
    risk: direction === 'IMPORT' ? ROAD_IMPORT_RISK_PROFILE : ROAD_EXPORT_RISK_PROFILE,
    milestoneKey: gateKeyOf,
    visibility: { officer: 'full', railway: 'none', 'port-operator': 'logistics' },
    logistics: roadLogistics,
  };
}

export const DECLARATION_TYPES: {
  readonly RAIL_IMPORT: DeclarationTypeDefinition<RailImportDeclaration>;
  readonly ROAD_EXPORT: DeclarationTypeDefinition<RoadExportDeclaration>;
  readonly ROAD_IMPORT: DeclarationTypeDefinition<RoadImportDeclaration>;
} = {
  RAIL_IMPORT: {
    mode: 'RAIL',
    direction: 'IMPORT',
    workflow: 'rail-import',
    lifecycle: RAIL_IMPORT_LIFECYCLE,
    hasTracks: true,
    violations: railImportViolations,
    warnings: noWarnings,
    risk: RAIL_IMPORT_RISK_PROFILE,
    milestoneKey: (document) => document.waybillNumber,
    visibility: { officer: 'full', railway: 'logistics', 'port-operator': 'logistics' },
    logistics: railImportLogistics,
  },
  ROAD_EXPORT: /* @__PURE__ */ roadDefinition('EXPORT'),
  ROAD_IMPORT: /* @__PURE__ */ roadDefinition('IMPORT'),
};

export type DeclarationType = keyof typeof DECLARATION_TYPES;
export const DECLARATION_TYPE_NAMES = /* @__PURE__ */ Object.keys(DECLARATION_TYPES) as DeclarationType[];

// The one place the union is narrowed back to its type's definition: TypeScript cannot correlate the two.
function definitionFor<T extends DeclarationDocument>(document: T): DeclarationTypeDefinition<T> {
  return DECLARATION_TYPES[document.declarationType] as unknown as DeclarationTypeDefinition<T>;
}

export function ruleViolationsOf(document: DeclarationDocument): RuleViolation[] {
  return definitionFor(document).violations(document);
}

export function warningsOf(document: DeclarationDocument): RuleViolation[] {
  return definitionFor(document).warnings(document);
}

/** The declaration's risk, assessed by its type's profile. */
export function riskAssessmentFor(document: DeclarationDocument, context: RiskContext): RiskAssessment {
  return assessRiskOf(definitionFor(document).risk, document, context);
}

export function milestoneKeyOf(document: DeclarationDocument): string {
  return definitionFor(document).milestoneKey(document);
}

export function workflowOf(type: DeclarationType): WorkflowId {
  return DECLARATION_TYPES[type].workflow;
}

/** The statuses a type can reach: those its lifecycle's transitions lead to. */
export function statusesOf(type: DeclarationType): DeclarationStatus[] {
  const targets = lifecycleOf(type).map((transition: TransitionName) => TRANSITIONS[transition].to as string);
  return STATUS_NAMES.filter((status) => targets.includes(status));
}

/** How much of a declaration a caller in `role` may see; the filing broker sees all of its own. */
export function visibilityFor(type: DeclarationType, role: Role, isOwner: boolean): Visibility {
  if (role === 'broker') return isOwner ? 'full' : 'none';
  return DECLARATION_TYPES[type].visibility[role];
}

/** The document as a caller with that visibility may see it. */
export function documentAs(visibility: Exclude<Visibility, 'none'>, document: DeclarationDocument) {
  return visibility === 'full' ? document : definitionFor(document).logistics(document);
}
