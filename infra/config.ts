import { Duration } from 'aws-cdk-lib';
import type { Node } from 'constructs';

/** Stages whose data outlives the stack: tables and the user pool are retained and deletion-protected. */
const LONG_LIVED_STAGES = new Set(['prod', 'staging']);

export const DEFAULT_ARRIVAL_TIMEOUT = Duration.days(7);

/** Everything that differs between a sandbox, staging and production comes from CDK context, read here once. */
export interface StageSettings {
  /** Stage name: part of every stack name, so several sandboxes can share one account. */
  readonly stage: string;
  readonly isSandbox: boolean;
  /** How long a declaration waits for its train before an officer must look at it. */
  readonly arrivalTimeout: Duration;
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
  return {
    stage,
    isSandbox: !LONG_LIVED_STAGES.has(stage),
    arrivalTimeout: Duration.seconds(arrivalTimeoutSeconds),
  };
}

export function stackNameFor(settings: StageSettings, part: 'Stateful' | 'Stateless'): string {
  return `PreClearance-${settings.stage}-${part}`;
}
