import {
  declarationStoreFromEnv,
  randomSelectionFromEnv,
  systemClock,
  traderHistoryFromEnv,
} from '#adapters/from-environment.ts';
import { assessRisk } from '#application/workflow-steps.ts';
import { workflowStep } from '#shared/workflow-step.ts';

const ports = {
  declarations: declarationStoreFromEnv(),
  traderHistory: traderHistoryFromEnv(),
  randomSelection: randomSelectionFromEnv(),
  clock: systemClock,
};

/** Assigns the risk channel by the declaration type's risk profile and records every rule that fired. */
export const handler = workflowStep((input: { declarationId: string }) => assessRisk(ports, input.declarationId));
