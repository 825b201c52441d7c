import { Duration } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import { approachingShareFrom } from '#domain/officer-tasks.ts';
import { parseRandomSelection, type RandomSelectionRates } from '#domain/risk-reference-data.ts';
import { DEFAULT_WEIGHT_TOLERANCE_PERCENT } from '#domain/road-gate.ts';
import { type SlaPolicy, slaPolicyFrom } from '#domain/sla.ts';
import { type SlotCalendar, slotCalendarFrom } from '#domain/slot-calendar.ts';
import { type CompletionPeriod, completionPeriodFrom } from '#domain/two-step.ts';

/** Stages whose data outlives the stack: tables and the user pool are retained and deletion-protected. */
const LONG_LIVED_STAGES = new Set(['prod', 'staging']);

export const DEFAULT_ARRIVAL_TIMEOUT = Duration.days(7);
export const DEFAULT_WEBHOOK_RETRY_INTERVAL = Duration.seconds(30);
/**
 * The customs office whose declaration numbers this deployment issues. 6501 is a placeholder for Horgos that
 * nobody has verified against GACC's code list: set the real code with context `customsCode` before production.
 */
export const DEFAULT_CUSTOMS_CODE = '6501';

/** Everything that differs between a sandbox, staging and production comes from CDK context, read here once. */
export interface StageSettings {
  /** Stage name: part of every stack name, so several sandboxes can share one account. */
  readonly stage: string;
  readonly isSandbox: boolean;
  /** How long a declaration waits for its train before an officer must look at it. */
  readonly arrivalTimeout: Duration;
  /** Whether webhooks may point at 127.0.0.1 / localhost over http (the local harness); never on prod or staging. */
  readonly allowLoopbackWebhooks: boolean;
  /** The first wait before a failed webhook delivery is retried; each later wait doubles (a test may shorten it). */
  readonly webhookRetryInterval: Duration;
  /** The 4-digit customs code that opens every declaration number (context `customsCode`). */
  readonly customsCode: string;
  /**
   * The risk engine's random selection per lane: context `riskRandomSelection` ("default", "off", "0" or JSON
   * rates per lane over the defaults); the local stack and the end-to-end tests turn it off.
   */
  readonly riskRandomSelection: RandomSelectionRates;
  /** Context `riskSelectionSeed`, mixed into every random-selection draw; the stage's name by default. */
  readonly riskSelectionSeed: string;
  /** The share of a task's time to its deadline after which the officers' queue flags it APPROACHING (0..1). */
  readonly slaApproachingShare: number;
  /** The port's deadlines from a train's arrival: contexts slaTransshipmentHours (2) and slaReleaseHours (16). */
  readonly slaHours: SlaPolicy;
  /**
   * The road port's slot calendar: contexts portTimeZone (Asia/Shanghai), freightHours (ROUND_THE_CLOCK or
   * DAYTIME), daytimeFreightHours ("10:00-18:00"), slotCapacityPerHour (JSON by lane type over the defaults, e.g.
   * {"FREIGHT":40}) and slotNoShowGraceMinutes (60). Refused at synth if the port could not work to it.
   */
  readonly slotCalendar: SlotCalendar;
  /** The broker's: a two-step summary is completed within context twoStepCompletionDays (14) of its acceptance. */
  readonly twoStepCompletion: CompletionPeriod;
  /**
   * Context `gateWeightTolerancePercent` (5): how far the weighbridge's load may differ from the declared gross
   * mass before the truck is held at the gate.
   */
  readonly gateWeightTolerancePercent: number;
}

export function stageSettingsFrom(node: Node): StageSettings {
  const stage = String(node.tryGetContext('stage') ?? 'dev');
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage)) {
    throw new Error(`context "stage" must be lower-case letters, digits and dashes (≤ 20 chars); got "${stage}"`);
  }
  const arrivalTimeoutSeconds = Number(
    node.tryGetContext('arrivalTimeoutSeconds') ?? DEFAULT_ARRIVAL_TIMEOUT.toSeconds(),
  );
  if (!Number.isInteger(arrivalTimeoutSeconds) || arrivalTimeoutSeconds < 1) {
    throw new Error(`context "arrivalTimeoutSeconds" must be a positive whole number; got "${arrivalTimeoutSeconds}"`);
  }
  const isSandbox = !LONG_LIVED_STAGES.has(stage);
  const allowLoopbackWebhooks = booleanContext(node, 'allowLoopbackWebhooks');
  if (allowLoopbackWebhooks && !isSandbox) {
    throw new Error(`context "allowLoopbackWebhooks" is for local receivers only; stage "${stage}" must not set it`);
  }
  const webhookRetryIntervalSeconds = Number(
    node.tryGetContext('webhookRetryIntervalSeconds') ?? DEFAULT_WEBHOOK_RETRY_INTERVAL.toSeconds(),
  );
  if (!Number.isInteger(webhookRetryIntervalSeconds) || webhookRetryIntervalSeconds < 1) {
    throw new Error(
      `context "webhookRetryIntervalSeconds" must be a positive whole number; got "${webhookRetryIntervalSeconds}"`,
    );
  }
  const customsCode = String(node.tryGetContext('customsCode') ?? DEFAULT_CUSTOMS_CODE);
  if (!/^[0-9]{4}$/.test(customsCode)) {
    throw new Error(`context "customsCode" must be the 4-digit customs office code; got "${customsCode}"`);
  }
  const randomSelectionContext: unknown = node.tryGetContext('riskRandomSelection') ?? 'default';
  const riskRandomSelection = parseRandomSelection(
    typeof randomSelectionContext === 'string' ? randomSelectionContext : JSON.stringify(randomSelectionContext),
  );
  const riskSelectionSeed = String(node.tryGetContext('riskSelectionSeed') ?? `preclearance-${stage}`);
  const gateWeightTolerancePercent = Number(
    node.tryGetContext('gateWeightTolerancePercent') ?? DEFAULT_WEIGHT_TOLERANCE_PERCENT,
  );
  if (
    !Number.isFinite(gateWeightTolerancePercent) ||
    gateWeightTolerancePercent < 0 ||
    gateWeightTolerancePercent > 100
  ) {
    throw new Error(
      `context "gateWeightTolerancePercent" must be a percentage from 0 to 100; got "${node.tryGetContext('gateWeightTolerancePercent')}"`,
    );
  }
  const capacityContext: unknown = node.tryGetContext('slotCapacityPerHour');
  const slotCalendar = slotCalendarFrom({
    timeZone: optionalString(node.tryGetContext('portTimeZone')),
    freightHours: optionalString(node.tryGetContext('freightHours')),
    daytimeHours: optionalString(node.tryGetContext('daytimeFreightHours')),
    capacityPerHour:
      capacityContext === undefined || typeof capacityContext === 'string'
        ? capacityContext
        : JSON.stringify(capacityContext),
    noShowGraceMinutes: optionalString(node.tryGetContext('slotNoShowGraceMinutes')),
  });
  return {
    stage,
    isSandbox,
    customsCode,
    riskRandomSelection,
    riskSelectionSeed,
    arrivalTimeout: Duration.seconds(arrivalTimeoutSeconds),
    allowLoopbackWebhooks,
    webhookRetryInterval: Duration.seconds(webhookRetryIntervalSeconds),
    slotCalendar,
    gateWeightTolerancePercent,
    slaHours: slaPolicyFrom({
      TRANSSHIPMENT: optionalString(node.tryGetContext('slaTransshipmentHours')),
      RELEASE: optionalString(node.tryGetContext('slaReleaseHours')),
    }),
    twoStepCompletion: completionPeriodFrom(optionalString(node.tryGetContext('twoStepCompletionDays'))),
    slaApproachingShare: approachingShareFrom(
      node.tryGetContext('slaApproachingShare') === undefined
        ? undefined
        : String(node.tryGetContext('slaApproachingShare')),
    ),
  };
}

function optionalString(value: unknown): string | undefined {
  return value === undefined ? undefined : String(value);
}

/** A boolean context value, as cdk.json (true) or the command line (-c name=true) gives it; false if absent. */
function booleanContext(node: Node, name: string): boolean {
  const value: unknown = node.tryGetContext(name) ?? false;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`context "${name}" must be true or false; got "${String(value)}"`);
}

export function stackNameFor(settings: StageSettings, part: 'Stateful' | 'Stateless'): string {
  return `PreClearance-${settings.stage}-${part}`;
}
