import { declarationsFromEnv, systemClock } from '#adapters/ports.ts';
import { recordTransition } from '#application/rail-import.ts';
import { isTransitionName, type TransitionName } from '#domain/lifecycle.ts';
import { workflowStep } from '#shared/workflow-step.ts';

const ports = { declarations: declarationsFromEnv(), clock: systemClock };

interface RecordTransitionInput {
  readonly declarationId: string;
  readonly transition: TransitionName;
  readonly details?: Record<string, unknown>;
}

/** The workflow's later stages (arrival, release, manual review): one status change each, named in the ASL. */
export const handler = workflowStep(async (input: RecordTransitionInput) => {
  if (!isTransitionName(input.transition)) {
    // A wrong name is a bug in the state machine definition: fail loudly rather than retry.
    throw Object.assign(new Error(`unknown transition ${String(input.transition)}`), { name: 'UnknownTransition' });
  }
  return recordTransition(ports, input);
});
