import { WORKFLOW_IDS, type WorkflowId } from '#domain/declaration-types/registry.ts';

/**
 * Reads a required environment variable, failing at cold start with a message that names it:
 * a missing binding is a deployment bug and should never surface as a confusing runtime error.
 */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`Missing required environment variable ${name}: the function was deployed without its binding`);
  }
  return value;
}

/** Names of the environment variables the infrastructure binds; one place for each. */
export const ENV = {
  declarationsTable: 'DECLARATIONS_TABLE_NAME',
  idempotencyTable: 'IDEMPOTENCY_TABLE_NAME',
  /** The webhook delivery state machine, which the dispatcher starts. */
  deliveryStateMachineArn: 'WEBHOOK_DELIVERY_STATE_MACHINE_ARN',
  /** "true" where webhooks may point at 127.0.0.1 / localhost (the local harness), else "false". */
  allowLoopbackWebhooks: 'ALLOW_LOOPBACK_WEBHOOKS',
  /** The 4-digit customs office code that opens every declaration number the filing function assigns. */
  customsCode: 'CUSTOMS_CODE',
  /** The random-selection rates per lane: "default", "off" or JSON (see parseRandomSelection). */
  riskRandomSelection: 'RISK_RANDOM_SELECTION',
  /** The seed mixed into each random-selection draw. */
  riskSelectionSeed: 'RISK_SELECTION_SEED',
  /** Hours from a train's arrival within which its gauge change, and the import's release, are due. */
  slaTransshipmentHours: 'SLA_TRANSSHIPMENT_HOURS',
  slaReleaseHours: 'SLA_RELEASE_HOURS',
  /** Days from a two-step summary's acceptance within which its complete declaration is due, e.g. "14". */
  twoStepCompletionDays: 'TWO_STEP_COMPLETION_DAYS',
  /** The share of a task's time to its deadline after which the officers' queue shows it APPROACHING, e.g. "0.8". */
  slaApproachingShare: 'SLA_APPROACHING_SHARE',
  /** The road port's slot calendar (see slotCalendarFrom): its clock, freight hours, capacities and no-show grace. */
  portTimeZone: 'PORT_TIME_ZONE',
  freightHours: 'FREIGHT_HOURS',
  daytimeFreightHours: 'DAYTIME_FREIGHT_HOURS',
  slotCapacityPerHour: 'SLOT_CAPACITY_PER_HOUR',
  slotNoShowGraceMinutes: 'SLOT_NO_SHOW_GRACE_MINUTES',
  /** How far (percent) the weighbridge's load may differ from the declared gross mass before the truck is held. */
  gateWeightTolerancePercent: 'GATE_WEIGHT_TOLERANCE_PERCENT',
} as const;

/** One variable per workflow, e.g. STATE_MACHINE_ARN_RAIL_IMPORT. */
export function stateMachineArnVariable(workflow: WorkflowId): string {
  return `STATE_MACHINE_ARN_${workflow.toUpperCase().replaceAll('-', '_')}`;
}

export function stateMachineArnsFromEnv(): Record<WorkflowId, string> {
  return Object.fromEntries(WORKFLOW_IDS.map((id) => [id, requireEnv(stateMachineArnVariable(id))])) as Record<
    WorkflowId,
    string
  >;
}
