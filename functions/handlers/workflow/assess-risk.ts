import {
  declarationStoreFromEnv,
  randomSelectionFromEnv,
  systemClock,
  traderHistoryFromEnv,
} from '#adapters/from-environment.ts';
import { trainStoreFromEnv } from '#adapters/trains-from-environment.ts';
import { screenDeclaration } from '#application/rail-steps.ts';
import { workflowStep } from '#shared/workflow-step.ts';

const ports = {
  declarations: declarationStoreFromEnv(),
  trains: trainStoreFromEnv(),
  traderHistory: traderHistoryFromEnv(),
  randomSelection: randomSelectionFromEnv(),
  clock: systemClock,
};

/**
 * The workflows' first step: a rail declaration is matched against its train's manifest; one that matches (and
 * every road declaration) gets its risk channel, with every rule that fired recorded.
 */
export const handler = workflowStep((input: { declarationId: string }) =>
  screenDeclaration(ports, input.declarationId),
);
